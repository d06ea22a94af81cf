/**
 * lattice-events: the VPC Lattice V2 Lambda event model with its Jackson codec ({@code dev.vpclattice.events}), and
 * the dependency-free rules that the model, lattice-local and the client library share
 * ({@code dev.vpclattice.events.rules}).
 */
module dev.vpclattice.events {
    // Only the codec uses Jackson, and no Jackson type is in this API. The rules package needs nothing but the JDK:
    // on the class path (a Lambda function) the jar works without jackson-databind as long as the codec is not used.
    requires com.fasterxml.jackson.databind;

    exports dev.vpclattice.events;
    exports dev.vpclattice.events.rules;

    // The codec binds the model's beans and a private mix-in class by reflection.
    opens dev.vpclattice.events to
            com.fasterxml.jackson.databind;
}
