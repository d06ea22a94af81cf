# Entry points. `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR set (Metadata: BuildMethod: makefile):
# each target builds its module with the modules it depends on (-am) and puts the shaded jar under
# $(ARTIFACTS_DIR)/lib/, which the Lambda Java runtime puts on the classpath.
JDK := $(CURDIR)/scripts/with-jdk21
MVN := $(JDK) mvn -B -q -Dstyle.color=never -f $(CURDIR)/pom.xml
MVN_ARGS ?=

.PHONY: test demo lint bench build-ServiceFunction build-ClientFunction

## test: everything CI runs (unit and integration tests, template lint)
test:
	$(JDK) mvn -B -f $(CURDIR)/pom.xml verify $(MVN_ARGS)
	cfn-lint $(CURDIR)/template.yaml

lint:
	cfn-lint $(CURDIR)/template.yaml

build-ServiceFunction:
	$(MVN) -pl service-function -am -DskipTests package $(MVN_ARGS)
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(CURDIR)/service-function/target/service-function.jar "$(ARTIFACTS_DIR)/lib/"

build-ClientFunction:
	$(MVN) -pl client-function -am -DskipTests package $(MVN_ARGS)
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(CURDIR)/client-function/target/client-function.jar "$(ARTIFACTS_DIR)/lib/"

## demo: the main job — both functions behind a local VPC Lattice (AWS_IAM), the client calling the service
demo:
	@$(CURDIR)/scripts/demo $(EVENT)
