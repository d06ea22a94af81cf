/** lattice-contract: what Amazon VPC Lattice defines, as constants and rules that need nothing but the JDK. */
module dev.vpclattice.contract {
    exports dev.vpclattice.contract;
}
