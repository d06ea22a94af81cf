package com.example.orders;

import dev.vpclattice.client.LatticeClient;
import dev.vpclattice.client.LatticeRequest;
import java.time.Duration;
import java.time.Instant;

/** How a service of your own might call the orders service behind VPC Lattice. */
public final class OrdersGateway {
    /** What is sent: java.time works with the library's default mapper. */
    public record NewOrder(String item, int quantity, Instant placedAt) {}

    /** The part of the answer this service needs; the answer's other fields are ignored. */
    public record Placed(String method, String path) {}

    private final LatticeClient client;
    private final String endpoint;

    /**
     * Creates the gateway.
     *
     * @param client the shared client
     * @param endpoint the service's association DNS name or https URL
     */
    public OrdersGateway(LatticeClient client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    /**
     * Places an order, within the given time.
     *
     * @param order the order
     * @param within the call timeout
     * @return what the service answered
     */
    public Placed place(NewOrder order, Duration within) {
        return client.send(LatticeRequest.builder()
                        .method("POST")
                        .url(endpoint)
                        .path("/orders")
                        .jsonBody(order)
                        .callTimeout(within)
                        .build())
                .ensureSuccess()
                .bodyAs(Placed.class);
    }
}
