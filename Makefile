# Entry points. `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR set (Metadata: BuildMethod: makefile):
# each target puts its function's shaded jar under $(ARTIFACTS_DIR)/lib/, which the Lambda Java runtime puts on the
# classpath. Lines starting with "## " are what `make` (help) prints.
ROOT := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
# The JDKs Maven may use (Maven Toolchains): a JDK 21+ compiles and tests, a JDK 17 runs the library's tests again.
# Written once from what Maven Toolchains discovers; `make toolchains` writes it again. Maven itself runs on any JDK 17+.
TOOLCHAINS := $(ROOT)/build/toolchains.xml
MAVEN := mvn -B -Dstyle.color=never -f $(ROOT)/pom.xml -t $(TOOLCHAINS)
MVN := $(MAVEN) -q
MVN_ARGS ?=
VERSION := $(shell sed -n 's|^  <version>\(.*\)</version>$$|\1|p' $(ROOT)/pom.xml | head -n 1)
# What `make install` and `make release-check` publish: lattice-bom and the artifacts it lists (the one list).
PUBLISHED := $(shell $(ROOT)/scripts/published-modules)

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: help demo check test install release-check bench lint check-tools toolchains clean build-ServiceFunction build-ClientFunction \
        demo-artifacts require-artifacts-dir

## help: this list (the default target)
help:
	@sed -n 's/^## \([^:]*\): \(.*\)/\1|\2/p' $(MAKEFILE_LIST) | awk -F'|' '{printf "make %-22s %s\n", $$1, $$2}'

## demo: the main job: client function -> local Lattice -> echo service (EVENT=file.json)
demo:
	@$(ROOT)/scripts/demo "$(EVENT)"

## check: the inner loop: every module's unit tests on the JDK 21+, and the format check; then the count
check: | $(TOOLCHAINS)
	@rm -rf $(ROOT)/*/target/surefire-reports* $(ROOT)/*/target/failsafe-reports*
	$(MAVEN) test com.diffplug.spotless:spotless-maven-plugin:check -pl '!lattice-bom' $(MVN_ARGS)
	@$(ROOT)/scripts/test-count

## test: what CI runs: all tests, README snippets, Javadoc (in the release check), cfn-lint; then the count
test: check-tools
	@rm -rf $(ROOT)/*/target/surefire-reports* $(ROOT)/*/target/failsafe-reports* $(ROOT)/system-tests/target/release
	$(MAVEN) verify -Dmaven.javadoc.skip=true $(MVN_ARGS)
	$(ROOT)/scripts/consumer-check
	cfn-lint $(ROOT)/template.yaml
	@$(ROOT)/scripts/test-count

## install: the library, its BOM, sources and Javadoc into ~/.m2 (for your service)
install: | $(TOOLCHAINS)
	$(MVN) -pl $(PUBLISHED) -am -Dmaven.test.skip=true install $(MVN_ARGS)
	@echo "installed dev.vpclattice:{$(PUBLISHED)}:$(VERSION) (jar, -sources.jar, -javadoc.jar; the BOM as a pom) in the local Maven repository"

## release-check: the release artifacts of every published module, signed by a throwaway key, into build/release/
release-check: | $(TOOLCHAINS)
	@TOOLCHAINS=$(TOOLCHAINS) $(ROOT)/scripts/release-check $(ROOT)/build/release

## bench: JMH benchmarks and cold starts (4-10 minutes); writes docs/benchmarks.md
bench:
	@$(ROOT)/scripts/bench

## lint: cfn-lint on template.yaml (it applies the SAM transform)
lint:
	cfn-lint $(ROOT)/template.yaml

## check-tools: are the tools make test needs here? (seconds; prints their versions)
check-tools: | $(TOOLCHAINS)
	@$(ROOT)/scripts/check-tools

## toolchains: write build/toolchains.xml again (the JDKs Maven may use), after installing or removing a JDK
toolchains:
	@$(ROOT)/scripts/toolchains

$(TOOLCHAINS):
	@$(ROOT)/scripts/toolchains

## clean: delete what builds and the demo wrote (each module's target/, and build/)
clean:
	mvn -B -q -Dstyle.color=never -f $(ROOT)/pom.xml clean $(MVN_ARGS)
	rm -rf $(ROOT)/build

## build-ServiceFunction: sam build's step: the service function's jar into ARTIFACTS_DIR/lib
build-ServiceFunction: require-artifacts-dir $(ROOT)/service-function/target/service-function.jar
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(ROOT)/service-function/target/service-function.jar "$(ARTIFACTS_DIR)/lib/"

## build-ClientFunction: sam build's step: the client function's jar (and aws-crt's native library) into ARTIFACTS_DIR/lib
# The jar carries aws-crt's native library for both of Lambda's architectures; lib/ gets the one for
# LAMBDA_ARCHITECTURE (x86_64 or arm64, as the template's Architectures parameter), which the CRT loads without
# unpacking. sam build passes its environment to make: LAMBDA_ARCHITECTURE=arm64 sam build --parameter-overrides
# Architectures=arm64. A mismatch still runs: the CRT then unpacks the right one from the jar, more slowly.
LAMBDA_ARCHITECTURE ?= x86_64
build-ClientFunction: require-artifacts-dir require-lambda-architecture $(ROOT)/client-function/target/client-function.jar
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(ROOT)/client-function/target/client-function.jar \
	  $(ROOT)/client-function/target/native/$(LAMBDA_ARCHITECTURE)/libaws-crt-jni.so "$(ARTIFACTS_DIR)/lib/"

.PHONY: require-lambda-architecture
require-lambda-architecture:
	$(if $(filter-out x86_64 arm64,$(LAMBDA_ARCHITECTURE)),$(error LAMBDA_ARCHITECTURE must be x86_64 or arm64 (the template's Architectures), not '$(LAMBDA_ARCHITECTURE)'))

# Guard, checked before anything is built: with ARTIFACTS_DIR empty, "$(ARTIFACTS_DIR)/lib" would be the system's /lib.
require-artifacts-dir:
	$(if $(strip $(ARTIFACTS_DIR)),,$(error ARTIFACTS_DIR is not set: sam build sets it; by hand, run make $(filter build-%,$(MAKECMDGOALS)) ARTIFACTS_DIR=<dir>))

# A jar is rebuilt only when it is out of date: when a file under src/main of its module or of a library module, or a
# POM, is newer than it. Directories count too, so adding or deleting a file rebuilds. Otherwise Maven does not run:
# that is what makes a warm `make demo` fast. Every library module counts for every jar, in case a module starts to
# depend on another. -Dmaven.test.skip: -am also builds test-scoped reactor dependencies, whose tests need not compile.
LIBRARY_MODULES := lattice-events lambda-runtime-local lattice-local lattice-client-sdk
inputs = $(shell find $(foreach m,$(1) $(LIBRARY_MODULES),$(ROOT)/$(m)/src/main) 2>/dev/null) $(wildcard $(ROOT)/pom.xml $(ROOT)/*/pom.xml)
SERVICE_JAR := $(ROOT)/service-function/target/service-function.jar
CLIENT_JAR := $(ROOT)/client-function/target/client-function.jar
LOCAL_JAR := $(ROOT)/lattice-local/target/lattice-local.jar

$(SERVICE_JAR): | $(TOOLCHAINS)
$(SERVICE_JAR): $(call inputs,service-function)
	$(MVN) -pl service-function -am -Dmaven.test.skip=true package $(MVN_ARGS)
	@touch $@

$(CLIENT_JAR): | $(TOOLCHAINS)
$(CLIENT_JAR): $(call inputs,client-function)
	$(MVN) -pl client-function -am -Dmaven.test.skip=true package $(MVN_ARGS)
	@touch $@

# The runnable CLI (lattice-local serve/invoke) with its target/lib/.
$(LOCAL_JAR): | $(TOOLCHAINS)
$(LOCAL_JAR): $(call inputs,lattice-local)
	$(MVN) -pl lattice-local -am -Dmaven.test.skip=true package $(MVN_ARGS)
	@touch $@

# make demo's build: whichever of the three jars are out of date (make -q says which) in one Maven run, with progress
# on stderr and the whole log in DEMO_BUILD_LOG; nothing at all when all are up to date.
DEMO_JARS := $(SERVICE_JAR) $(CLIENT_JAR) $(LOCAL_JAR)
DEMO_BUILD_LOG ?= $(ROOT)/build/demo-build.log
demo-artifacts: | $(TOOLCHAINS)
	@stale=; modules=; \
	for jar in $(DEMO_JARS); do \
	  $(MAKE) -s -q -f $(ROOT)/Makefile $$jar || { stale="$$stale $$jar"; modules="$$modules,$$(basename $$(dirname $$(dirname $$jar)))"; }; \
	done; \
	if [ -z "$$stale" ]; then \
	  echo "  up to date: no source or POM changed since the last build; Maven skipped" >&2; \
	else \
	  echo "  building$$(echo $$modules | tr , ' ') with Maven (tests skipped; the whole log: $(DEMO_BUILD_LOG))" >&2; \
	  $(ROOT)/scripts/maven-progress $(DEMO_BUILD_LOG) -- $(MAVEN) -pl $${modules#,} -am -Dmaven.test.skip=true package $(MVN_ARGS) \
	    && touch $$stale; \
	fi
