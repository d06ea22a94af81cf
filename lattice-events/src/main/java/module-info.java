/** lattice-events: the VPC Lattice Lambda event model with its Jackson codec, and the caller identity of HTTP targets. */
module dev.vpclattice.events {
    // Only the codec uses Jackson, and no Jackson type is in this API.
    requires com.fasterxml.jackson.databind;
    requires transitive dev.vpclattice.contract;
    // Only the servlet filter uses it; the servlet container provides it.
    requires static jakarta.servlet;

    exports dev.vpclattice.events;
    exports dev.vpclattice.events.servlet;

    // The codec binds the model's beans and a private mix-in class by reflection.
    opens dev.vpclattice.events to
            com.fasterxml.jackson.databind;
}
