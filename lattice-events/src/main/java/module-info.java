/** lattice-events: the VPC Lattice Lambda event model with its Jackson codec. */
module dev.vpclattice.events {
    // Only the codec uses Jackson, and no Jackson type is in this API.
    requires com.fasterxml.jackson.databind;
    requires dev.vpclattice.contract;

    exports dev.vpclattice.events;

    // The codec binds the model's beans and a private mix-in class by reflection.
    opens dev.vpclattice.events to
            com.fasterxml.jackson.databind;
}
