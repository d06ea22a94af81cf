package dev.vpclattice.client.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code that is not part of lattice-client-sdk's public API, like the AWS SDK's {@code @SdkInternalApi}: it may
 * change or disappear in any release. Everything in {@code dev.vpclattice.client.internal} carries it, and the module
 * ({@code dev.vpclattice.client}) does not export that package.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface LatticeInternalApi {}
