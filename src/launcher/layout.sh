#!/usr/bin/env sh
# Run by `mvn package` after the executable jar is built (pom.xml, exec-maven-plugin): makes target/tallytrack/,
# the layout the README runs:
#   bin/tallytrack        the launcher (src/launcher/tallytrack)
#   app/tallytrack.jar    the application, extracted (`java -Djarmode=tools -jar … extract`): plain jars on a
#   app/lib/              class path load faster than nested jars and can be cached
#   app/tallytrack.aot    JDK 25 AOT cache, from one training run that starts the context and exits
#                         (-Dspring.context.exit=onRefresh); or app/tallytrack.jsa, a CDS archive, on JDK 17
#   app/cache.jdk         the exact JDK version that wrote the cache (the launcher uses it with that JDK only)
# TALLYTRACK_SKIP_TRAINING=true skips the training run (the launcher then runs without a cache).
set -eu

target=$(cd "$1" && pwd)   # absolute: the training run works in another folder
jar="$target/tallytrack.jar"
out="$target/tallytrack"
launcher_src=$(cd "$(dirname "$0")" && pwd)/tallytrack

rm -rf "$out"
mkdir -p "$out/bin"
cp "$launcher_src" "$out/bin/tallytrack"
chmod 755 "$out/bin/tallytrack"

# the same JDK choice as the launcher: its pick_jdk, sourced without running the launcher
jdk=$(sed -n '/^jdk_major()/,/^}/p;/^pick_jdk()/,/^}/p' "$launcher_src" > "$target/pick-jdk.sh" \
      && . "$target/pick-jdk.sh" && pick_jdk)
if [ -n "$jdk" ]; then java="$jdk/bin/java"; else java=java; fi
version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release" 2>/dev/null || true)

"$java" -Djarmode=tools -jar "$jar" extract --destination "$out/app" >/dev/null

if [ "${TALLYTRACK_SKIP_TRAINING:-false}" = "true" ] || [ -z "$version" ]; then
    echo "tallytrack layout: $out (no start-up cache)"
    exit 0
fi

major=${version%%.*}
if [ "$major" -ge 25 ]; then
    flag="-XX:AOTCacheOutput=$out/app/tallytrack.aot"
else
    flag="-XX:ArchiveClassesAtExit=$out/app/tallytrack.jsa"
fi

# The training run: the embedded default in a throw-away folder, on a random port, stopped right after the
# context refreshed (the application does all its start-up work: Flyway, the beans, the caches).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s)
# The build's own SPRING_* / TALLYTRACK_* variables (a datasource URL, say) must not reach it: the training run
# would migrate that database. Training always runs the embedded default.
unset_app_env=$(env | sed -n 's/^\(SPRING_[A-Za-z0-9_]*\|TALLYTRACK_[A-Za-z0-9_]*\)=.*/-u \1/p' | tr '\n' ' ')
# shellcheck disable=SC2086 # lists of options
if (cd "$scratch" && env $unset_app_env "$java" -XX:+UseSerialGC -Xss512k $flag \
        -Dspring.context.exit=onRefresh -jar "$out/app/tallytrack.jar" --server.port=0 \
        > "$target/tallytrack-training.log" 2>&1); then
    echo "$version" > "$out/app/cache.jdk"
    echo "tallytrack layout: $out (start-up cache for Java $version, trained in $(( $(date +%s) - start )) s)"
else
    # a failed training run must not fail the build: the launcher runs without a cache
    rm -f "$out/app/tallytrack.aot" "$out/app/tallytrack.jsa"
    echo "tallytrack layout: $out (training run failed, see $target/tallytrack-training.log; no start-up cache)" >&2
fi
