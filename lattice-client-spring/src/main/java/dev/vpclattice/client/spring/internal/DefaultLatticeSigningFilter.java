package dev.vpclattice.client.spring.internal;

import dev.vpclattice.client.signing.LatticeRequestSigner;
import dev.vpclattice.client.spring.LatticeSigningFilter;
import java.net.URI;
import java.util.Objects;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/** The {@link LatticeSigningFilter}: signs on subscription, then exchanges a copy of the request with the headers. */
public final class DefaultLatticeSigningFilter implements LatticeSigningFilter {
    private final LatticeRequestSigner signer;

    /**
     * Creates the filter.
     *
     * @param signer the signing core
     */
    public DefaultLatticeSigningFilter(LatticeRequestSigner signer) {
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        URI uri = request.url();
        if (!signer.signs(uri)) {
            return next.exchange(request);
        }
        return Mono.fromFuture(() -> signer.signAsync(
                        request.method().name(), uri, DefaultLatticeSigningInterceptor.copy(request.headers())))
                .flatMap(add -> next.exchange(ClientRequest.from(request)
                        .headers(headers -> add.forEach(headers::set))
                        .build()));
    }

    @Override
    public String toString() {
        return "LatticeSigningFilter[" + signer + "]";
    }
}
