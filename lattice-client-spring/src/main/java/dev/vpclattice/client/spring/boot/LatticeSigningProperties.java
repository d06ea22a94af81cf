package dev.vpclattice.client.spring.boot;

import dev.vpclattice.client.SigningMode;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lattice.signing.*} properties: which hosts the Spring Boot customizers sign for, and how. Signing is on
 * once {@code hosts} or {@code region} is set; requests to any other host leave unsigned.
 */
@ConfigurationProperties(prefix = "lattice.signing")
public class LatticeSigningProperties {
    private boolean enabled = true;
    private String region;
    private List<String> hosts = new ArrayList<>();
    private boolean serviceDomain = true;
    private SigningMode signingMode = SigningMode.SIGV4;
    private boolean signPlainHttp;

    /** @return whether the customizers may be registered (when a host is named); defaults to {@code true} */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the customizers are registered */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Returns the signing region.
     *
     * @return e.g. {@code us-west-2}; unset, the environment's ({@code AWS_REGION}, the profile, instance metadata),
     *     looked up when the first request to a Lattice host is signed
     */
    public String getRegion() {
        return region;
    }

    /** @param region the signing region */
    public void setRegion(String region) {
        this.region = region;
    }

    /**
     * Returns the Lattice hosts to sign besides the service domain.
     *
     * @return exact host names or {@code *.domain} patterns, e.g. a service's custom domain name; defaults to none
     */
    public List<String> getHosts() {
        return hosts;
    }

    /** @param hosts exact host names or {@code *.domain} patterns */
    public void setHosts(List<String> hosts) {
        this.hosts = hosts;
    }

    /**
     * Returns whether the names Lattice generates for the region's services are signed.
     *
     * @return whether {@code *.vpc-lattice-svcs.REGION.on.aws} is signed; defaults to {@code true}
     */
    public boolean isServiceDomain() {
        return serviceDomain;
    }

    /** @param serviceDomain whether {@code *.vpc-lattice-svcs.REGION.on.aws} is signed */
    public void setServiceDomain(boolean serviceDomain) {
        this.serviceDomain = serviceDomain;
    }

    /** @return the signing mode; defaults to {@link SigningMode#SIGV4} */
    public SigningMode getSigningMode() {
        return signingMode;
    }

    /** @param signingMode the signing mode */
    public void setSigningMode(SigningMode signingMode) {
        this.signingMode = signingMode;
    }

    /**
     * Returns whether {@code http://} requests to the hosts are signed (for plain-HTTP listeners). A signature sent in
     * clear text can be replayed by whoever sees it for 5 minutes.
     *
     * @return defaults to {@code false}: such requests fail
     */
    public boolean isSignPlainHttp() {
        return signPlainHttp;
    }

    /** @param signPlainHttp whether {@code http://} requests are signed */
    public void setSignPlainHttp(boolean signPlainHttp) {
        this.signPlainHttp = signPlainHttp;
    }
}
