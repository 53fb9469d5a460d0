# Sourced by the bench scripts: builds the test classes and sets $java_bin (Java 21+) and $bench_cp.
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java_bin=$(./switchboard --print-java 2>/dev/null || true)
if [ ! -x "$java_bin" ]; then
  java_bin=$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -1)
fi
bench_cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
