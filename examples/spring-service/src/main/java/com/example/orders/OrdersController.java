package com.example.orders;

import dev.vpclattice.events.LatticeCallerIdentity;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Answers JSON; what it answers depends on who called it through Lattice. */
@RestController
public class OrdersController {
    private final AtomicLong ids = new AtomicLong();

    /** Who Lattice says is calling. */
    public record Caller(
            boolean authenticated,
            String principal,
            String principalOrgId,
            String sessionName,
            String sourceVpcArn,
            String serviceArn,
            String targetGroupArn,
            Map<String, String> tags) {
        static Caller of(LatticeCallerIdentity id) {
            return new Caller(
                    id.isAuthenticated(),
                    id.principal().orElse(null),
                    id.principalOrgId().orElse(null),
                    id.sessionName().orElse(null),
                    id.sourceVpcArn().orElse(null),
                    id.serviceArn().orElse(null),
                    id.targetGroupArn().orElse(null),
                    id.tags());
        }
    }

    public record NewOrder(String item, int quantity) {}

    public record Placed(long id, String item, int quantity, String placedBy) {}

    public record Problem(String error, String message) {}

    @GetMapping("/whoami")
    public Caller whoAmI(LatticeCallerIdentity caller) {
        return Caller.of(caller);
    }

    /**
     * Places an order for an authenticated caller. With the service's auth type AWS_IAM, Lattice has already
     * checked the auth policy; the service decides what the principal may do.
     */
    @PostMapping("/orders")
    public ResponseEntity<?> place(LatticeCallerIdentity caller, @RequestBody NewOrder order) {
        if (!caller.isAuthenticated()) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(new Problem("AccessDenied", "Orders need a caller that Lattice authenticated (AWS_IAM)"));
        }
        Placed placed = new Placed(
                ids.incrementAndGet(),
                order.item(),
                order.quantity(),
                caller.principal().orElseThrow());
        return ResponseEntity.status(HttpStatus.CREATED).body(placed);
    }
}
