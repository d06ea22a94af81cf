# Entry points. `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR set (Metadata: BuildMethod: makefile):
# each target builds its module with the modules it depends on (-am) and puts the shaded jar under
# $(ARTIFACTS_DIR)/lib/, which the Lambda Java runtime puts on the classpath.
JDK := $(CURDIR)/scripts/with-jdk21
MVN := $(JDK) mvn -B -q -Dstyle.color=never -f $(CURDIR)/pom.xml
MVN_ARGS ?=

.PHONY: test check-tools demo lint bench build-ServiceFunction build-ClientFunction

## test: everything CI runs (unit and integration tests, template lint)
test: check-tools
	$(JDK) mvn -B -f $(CURDIR)/pom.xml verify $(MVN_ARGS)
	$(CURDIR)/scripts/consumer-check
	cfn-lint $(CURDIR)/template.yaml

# Fails in seconds, not after the Maven run, when a tool the tests need is missing.
check-tools:
	@$(CURDIR)/scripts/check-tools

lint:
	cfn-lint $(CURDIR)/template.yaml

# Guard: with ARTIFACTS_DIR empty, "$(ARTIFACTS_DIR)/lib" would be the system's /lib.
require-artifacts-dir = $(if $(strip $(ARTIFACTS_DIR)),,$(error ARTIFACTS_DIR is not set: sam build sets it; by hand, run make $@ ARTIFACTS_DIR=<dir>))

# -Dmaven.test.skip: -am also builds test-scoped reactor dependencies; their test sources need not compile for a jar.
build-ServiceFunction:
	$(require-artifacts-dir)
	$(MVN) -pl service-function -am -Dmaven.test.skip=true package $(MVN_ARGS)
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(CURDIR)/service-function/target/service-function.jar "$(ARTIFACTS_DIR)/lib/"

build-ClientFunction:
	$(require-artifacts-dir)
	$(MVN) -pl client-function -am -Dmaven.test.skip=true package $(MVN_ARGS)
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(CURDIR)/client-function/target/client-function.jar "$(ARTIFACTS_DIR)/lib/"

## demo: the main job — both functions behind a local VPC Lattice (AWS_IAM), the client calling the service
demo:
	@$(CURDIR)/scripts/demo $(EVENT)

## bench: JMH benchmarks and cold starts (about 4-10 minutes); writes docs/benchmarks.md
bench:
	@$(CURDIR)/scripts/bench
