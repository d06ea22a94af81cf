package dev.vpclattice.events.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.events.LatticeCallerIdentity;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The filter in a real embedded servlet container (Jetty 12.1, Jakarta EE 10), called over loopback HTTP. */
@Timeout(60)
class LatticeIdentityFilterTest {
    static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/orders-caller/session-1";

    static Server server;
    static URI base;
    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Answers with what the filter put on the request, one field a line. */
    static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String body;
            try {
                LatticeCallerIdentity id = LatticeIdentityFilter.identity(request);
                Object raw = request.getAttribute(LatticeIdentityFilter.ATTRIBUTE);
                body = "authenticated=" + id.isAuthenticated()
                        + "\nprincipal=" + id.principal().orElse("-")
                        + "\norgId=" + id.principalOrgId().orElse("-")
                        + "\nsubjectCn=" + id.x509SubjectCn().orElse("-")
                        + "\nsourceVpc=" + id.sourceVpcArn().orElse("-")
                        + "\ntargetGroup=" + id.targetGroupArn().orElse("-")
                        + "\ntags=" + id.tags()
                        + "\nattributeIsTheSame=" + (raw == id);
            } catch (IllegalStateException e) {
                body = "error=" + e.getMessage();
            }
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(LatticeIdentityFilter.class, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new WhoAmI()), "/*");
        server.setHandler(context);
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void latticeHeaders_becomeTheIdentityOnTheRequest() throws Exception {
        HttpResponse<String> r = get(
                "/api/orders",
                Map.of(
                        "x-amzn-lattice-identity",
                        "Principal=" + PRINCIPAL + ";PrincipalOrgID=o-abc123;SessionName=session-1;"
                                + "X509Subject/CN=client;",
                        "x-amzn-lattice-identity-tags",
                        "principal=" + PRINCIPAL + ";team=pay\\;ments;",
                        "X-Amzn-Lattice-Network",
                        "SourceVpcArn=arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc",
                        "x-amzn-lattice-target",
                        "ServiceArn=arn:s;ServiceNetworkArn=arn:sn;TargetGroupArn=arn:tg"));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "authenticated=true\nprincipal=" + PRINCIPAL + "\norgId=o-abc123\nsubjectCn=client"
                        + "\nsourceVpc=arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc\ntargetGroup=arn:tg"
                        + "\ntags={team=pay;ments}\nattributeIsTheSame=true",
                r.body());
    }

    @Test
    void noLatticeHeaders_isTheEmptyIdentityNotAnError() throws Exception {
        HttpResponse<String> r = get("/api/orders", Map.of());

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("authenticated=false\nprincipal=-\n"), r.body());
    }

    @Test
    void aPrincipalInTheTargetHeader_doesNotAuthenticate() throws Exception {
        HttpResponse<String> r = get(
                "/api/orders", Map.of("x-amzn-lattice-target", "Principal=" + PRINCIPAL + ";TargetGroupArn=arn:tg;"));

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("authenticated=false\nprincipal=-\n"), r.body());
        assertTrue(r.body().contains("targetGroup=arn:tg\n"), r.body());
    }

    @Test
    void unreadableHeaders_stillReachTheServletWithWhatCouldBeRead() throws Exception {
        HttpResponse<String> r = get(
                "/api/orders",
                Map.of(
                        "x-amzn-lattice-identity",
                        ";;==;Principal=" + PRINCIPAL + ";\\",
                        "x-amzn-lattice-network",
                        "not a map at all"));

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("principal=" + PRINCIPAL + "\n"), r.body());
        assertTrue(r.body().contains("sourceVpc=-\n"), r.body());
    }

    @Test
    void aPathTheFilterDoesNotCover_isToldToRegisterIt() throws Exception {
        HttpResponse<String> r = get("/health", Map.of("x-amzn-lattice-identity", "Principal=" + PRINCIPAL));

        assertEquals(200, r.statusCode());
        assertEquals(
                "error=No caller identity on this request: register "
                        + "dev.vpclattice.events.servlet.LatticeIdentityFilter for its path",
                r.body());
    }
}
