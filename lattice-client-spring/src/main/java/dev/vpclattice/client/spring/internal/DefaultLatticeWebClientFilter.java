package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.internal.LatticeInternalApi;
import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeWebClientFilter;
import java.net.URI;
import java.util.Objects;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/** The {@link LatticeWebClientFilter}: signs on subscription, then exchanges a copy of the request with the headers. */
@LatticeInternalApi
public final class DefaultLatticeWebClientFilter implements LatticeWebClientFilter {
    private final LatticeRequestSigner signer;

    /**
     * Creates the filter.
     *
     * @param signer the signing core
     */
    public DefaultLatticeWebClientFilter(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        URI uri = request.url();
        if (!signer.signs(uri)) {
            return next.exchange(request);
        }
        // Without a default port, so that every connector sends the Host the signer signs.
        URI sent = DefaultLatticeSpringInterceptor.withoutDefaultPort(uri);
        return Mono.fromFuture(() -> signer.signAsync(
                        request.method().name(), sent, DefaultLatticeSpringInterceptor.copy(request.headers())))
                .flatMap(add -> next.exchange(ClientRequest.from(request)
                        .url(sent)
                        .headers(headers -> add.forEach(headers::set))
                        .build()));
    }

    @Override
    public String toString() {
        return "LatticeWebClientFilter[" + signer + "]";
    }
}
