/**
 * The caller identity for services on Jakarta Servlet 6 ({@link dev.vpclattice.events.servlet.LatticeIdentityFilter});
 * {@code jakarta.servlet-api} is an optional dependency that the servlet container provides.
 */
package dev.vpclattice.events.servlet;
