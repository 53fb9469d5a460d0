# Sourced by the bench scripts: builds the test classes and sets $java_bin (Java 21+) and $bench_cp.
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java_bin=$(./switchboard --print-java)
bench_cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
