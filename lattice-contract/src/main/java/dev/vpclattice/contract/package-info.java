/**
 * What Amazon VPC Lattice defines, in one place for every module: the SigV4 signing name and payload rule
 * ({@link dev.vpclattice.contract.LatticeSigV4}), query parsing ({@link dev.vpclattice.contract.QueryStrings}), the
 * Lambda payload limit ({@link dev.vpclattice.contract.PayloadLimits}), event versions
 * ({@link dev.vpclattice.contract.EventVersion}), header names ({@link dev.vpclattice.contract.LatticeHeaders}) and
 * listener limits ({@link dev.vpclattice.contract.ListenerLimits}). JDK only, Java 17, thread-safe.
 */
package dev.vpclattice.contract;
