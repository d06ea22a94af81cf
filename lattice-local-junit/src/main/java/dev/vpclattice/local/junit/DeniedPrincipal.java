package dev.vpclattice.local.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@code AwsCredentialsProvider} parameter that {@link LocalLatticeExtension} fills with the credentials of
 * its denied principal (known to the local Lattice, so its signatures verify, but left out of the auth policy) instead
 * of the allowed one's.
 *
 * <pre>{@code
 * @Test
 * void anotherPrincipal_isDenied(@DeniedPrincipal AwsCredentialsProvider denied) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface DeniedPrincipal {}
