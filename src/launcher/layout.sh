#!/usr/bin/env sh
# Run by `mvn package` after the executable jar is built (pom.xml, exec-maven-plugin): makes target/tallytrack/,
# the layout the README runs:
#   bin/tallytrack        the launcher (src/launcher/tallytrack)
#   app/tallytrack.jar    the application, extracted (`java -Djarmode=tools -jar … extract`): plain jars on a
#   app/lib/              class path load faster than nested jars and can be cached
#   app/tallytrack.aot    JDK 25 AOT cache, from one training run that starts the context and exits
#                         (-Dspring.context.exit=onRefresh); or app/tallytrack.jsa, a CDS archive, on JDK 17
#   app/compiler-directives.json  what the launcher's default options keep away from the C2 compiler (P1w)
#   app/cache.jdk         the exact JDK version that wrote the cache (the launcher uses it with that JDK only)
#   app/cache.files       size and modification time of every jar on the class path, which the JVM checks before
#                         it uses the cache (the launcher checks them first and says what to do if they changed)
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

# the same JDK choice and JVM defaults as the launcher: its pick_jdk and default_opts, sourced without running it
sed -n '/^jdk_major()/,/^}/p;/^pick_jdk()/,/^}/p;/^default_opts()/,/^}/p' "$launcher_src" \
    > "$target/pick-jdk.sh"
. "$target/pick-jdk.sh"
jdk=$(pick_jdk)
if [ -n "$jdk" ]; then java="$jdk/bin/java"; else java=java; fi
version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release" 2>/dev/null || true)

"$java" -Djarmode=tools -jar "$jar" extract --destination "$out/app" >/dev/null
cp "$(dirname "$launcher_src")/compiler-directives.json" "$out/app/compiler-directives.json"

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

# The training run: the embedded default in a throw-away folder, with Spring AOT as the launcher runs it. With curl
# it is the first minutes of a node: started on a free port, once ready it answers the public query (the demo
# number), pages, an admin sign-in, the admin lists and two uploads (CSV, save mode), then is stopped with SIGTERM.
# The simulator pushes once a second instead of every 30 s, so the carrier callbacks and the HTTP client that posts
# them are in the cache too (a node's first push otherwise loads ~200 classes and deoptimises the query path). The
# cache keeps the classes of all that and the method profiles (JEP 515), so a real start has them loaded and
# its JIT starts warm. Without curl: stopped right after the context refreshed (-Dspring.context.exit=onRefresh).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s)
# The build's own SPRING_* / TALLYTRACK_* variables (a datasource URL, say) must not reach it: the training run
# would migrate that database. Training always runs the embedded default.
unset_app_env=$(env | sed -n 's/^\(SPRING_[A-Za-z0-9_]*\|TALLYTRACK_[A-Za-z0-9_]*\)=.*/-u \1/p' | tr '\n' ' ')
log="$target/tallytrack-training.log"
# the launcher's defaults (its default_opts) and Spring AOT, so the cache matches the runs that use it
jvm="$(default_opts "$version" "$out/app") -Dspring.aot.enabled=true"

# train_with_requests: 0 when the JVM exited after the workload and wrote the cache
train_with_requests() {
    password="training-$(date +%s)-Password"
    # shellcheck disable=SC2086 # lists of options
    (cd "$scratch" && exec env $unset_app_env TALLYTRACK_ADMIN_PASSWORD="$password" "$java" $jvm $flag \
        -jar "$out/app/tallytrack.jar" --server.port=0 --tallytrack.query.rate-limit-per-minute=1000000000 \
        --tallytrack.carrier.simulator.push-interval=1s \
        > "$log" 2>&1) &
    pid=$!
    port=""
    waited=0
    while [ -z "$port" ] && kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 3000 ]; do
        port=$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$log" | head -1)
        [ -n "$port" ] || { sleep 0.1; waited=$((waited + 1)); }
    done
    if [ -z "$port" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 1
    fi
    base="http://127.0.0.1:$port"
    c="curl -s -o /dev/null --max-time 30"
    waited=0
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/api/v1/health/ready")" = 200 ] \
            || [ "$waited" -ge 600 ] || ! kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        waited=$((waited + 1))
    done
    # the public query: the path every node answers most, 10,000 times over 4 connections
    query="$scratch/query.curl"
    i=0
    : > "$query"
    while [ "$i" -lt 10000 ]; do
        [ "$i" -eq 0 ] || echo next >> "$query"
        printf 'url = "%s/api/v1/tracking/query"\nheader = "Content-Type: application/json"\ndata = "{\\"tracking_number\\":\\"SF1234567890\\"}"\noutput = "/dev/null"\n' "$base" >> "$query"
        i=$((i + 1))
    done
    curl -s --no-progress-meter -Z --parallel-max 4 --max-time 120 -K "$query" || true
    for path in / /index.html /admin/ /api/v1/health/live /api/v1/health/ready; do
        $c "$base$path" || true
    done
    token=$(curl -s --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/admin/login" \
        | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    if [ -n "$token" ]; then
        # two uploads of 20,000 rows (new rows, then the same rows unchanged) and the admin lists
        csv="$scratch/training.csv"
        printf '理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n' > "$csv"
        awk 'BEGIN { for (i = 0; i < 20000; i++) printf "2024-01-%02d,TRAIN%07d,PKG-TRAIN-%d,10,10,5,0.5,G%d,C%d,T%d\n", i % 28 + 1, i, i % 500, i % 7, i % 11, i % 3 }' >> "$csv"
        for _ in 1 2; do
            job=$(curl -s --max-time 60 -H "Authorization: Bearer $token" -F "file=@$csv;type=text/csv" \
                "$base/api/v1/admin/manifest/upload?async=true" | sed -n 's/.*"job_id":"\([^"]*\)".*/\1/p')
            polls=0
            while [ -n "$job" ] && [ "$polls" -lt 1200 ] && ! curl -s --max-time 10 \
                    -H "Authorization: Bearer $token" "$base/api/v1/admin/manifest/upload/jobs/$job" \
                    | grep -q '"state":"\(COMPLETED\|FAILED\)"'; do
                sleep 0.1
                polls=$((polls + 1))
            done
        done
        for path in /api/v1/admin/me "/api/v1/admin/manifest/search?q=TRAIN" /api/v1/admin/manifest/statistics/overview /api/v1/admin/manifest/tracking/TRAIN0000001 /api/v1/admin/sync/statistics /api/v1/admin/packages /actuator/prometheus; do
            $c -H "Authorization: Bearer $token" "$base$path" || true
        done
    fi
    curl -s --no-progress-meter -Z --parallel-max 4 --max-time 120 -K "$query" || true
    # graceful shutdown, then the JVM writes the cache and exits with 143, so the file tells whether it did;
    # bounded: a JVM that hangs is killed (and leaves no cache)
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 1800 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" || true
    [ -s "$cache_file" ]
}

trained=false
cache_file=${flag#*=}
if command -v curl >/dev/null 2>&1 && train_with_requests; then
    trained="with requests"
else
    cp "$log" "$target/tallytrack-training-requests.log" 2>/dev/null || true
    rm -f "$out/app/tallytrack.aot" "$out/app/tallytrack.jsa"
    # shellcheck disable=SC2086 # lists of options
    if (cd "$scratch" && rm -rf data && env $unset_app_env "$java" $jvm $flag -Dspring.context.exit=onRefresh \
            -jar "$out/app/tallytrack.jar" --server.port=0 > "$log" 2>&1); then
        trained="to the end of start-up"
    fi
fi
if [ "$trained" != false ]; then
    echo "$version" > "$out/app/cache.jdk"
    # (no file where stat is not GNU stat: the launcher then leaves the check to the JVM)
    if listing=$(cd "$out/app" && stat -c '%n %s %Y' tallytrack.jar lib/*.jar 2>/dev/null); then
        printf '%s\n' "$listing" | LC_ALL=C sort > "$out/app/cache.files"
    fi
    echo "tallytrack layout: $out (start-up cache for Java $version, trained $trained in $(( $(date +%s) - start )) s)"
else
    # a failed training run must not fail the build: the launcher runs without a cache
    rm -f "$out/app/tallytrack.aot" "$out/app/tallytrack.jsa"
    echo "tallytrack layout: $out (training run failed, see $log; no start-up cache)" >&2
fi
