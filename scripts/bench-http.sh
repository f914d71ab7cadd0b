#!/usr/bin/env bash
# HTTP load benchmark: the service against a do-nothing axum baseline, in one
# run, on loopback, with wrk (one thread, 64 connections, bounded in time).
# Prints requests/s, p50/p99 latency, errors and the ratio to the baseline per
# endpoint (the four the performance issue names, and the CDS Hooks call),
# then peak RSS, start-up time to the first 200 and binary size. Each
# endpoint is also run against the baseline serving a fixed body of the
# same size as that endpoint's answer, which separates what the answer's
# size costs on this stack from what our code costs. The endpoint and its
# same-size baseline run ROUNDS times (default 3), alternating, and the row
# shows the medians, with the spread of the ratio: the machine's own speed
# drifts between runs, and alternating puts each pair in the same moment.
# For a POST, the same-size baseline is also sent the endpoint's own
# request, which it reads whole and drops ("same request"): what receiving
# that body costs any handler, shown apart from the same-size ratio.
#
# Then a soak: SOAK_REQUESTS (default 1,000,000) requests cycling through the
# four endpoints, in two halves, with the service's resident memory after
# each half, to show memory stays flat.
#
# Usage: [ROUNDS=3] [SOAK_REQUESTS=1000000] scripts/bench-http.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
SOAK_REQUESTS=${SOAK_REQUESTS:-1000000}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=64
SERVICE_PORT=18180
ADMIN_PORT=19180
BASELINE_PORT=18199

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  }
fi

cargo build --release --locked --quiet --bin backcare --example baseline
service=target/release/backcare
baseline=target/release/examples/baseline
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Polls GET /readyz until it answers 200. Bash's own /dev/tcp rather than
# curl: starting a curl process per attempt takes several milliseconds,
# which would be counted as the service's start-up.
await_200() {
  local port=$1 status tries=0
  while (( tries++ < 10000 )); do
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
      printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
      read -r _ status _ <&3 || status=
      exec 3<&- 3>&-
      [ "$status" = 200 ] && return 0
    fi
    sleep 0.001
  done 2>/dev/null
  echo "nothing answered 200 on port $port within 10,000 tries" >&2
  return 1
}

# Start-up to first 200, measured from exec to the first successful /readyz.
start=$(now_ms)
# CDS Hooks authentication is off here: the benchmark measures the call, not
# the signing of a token per request.
RUST_LOG=warn "$service" --bind "127.0.0.1:$SERVICE_PORT" --admin-bind "127.0.0.1:$ADMIN_PORT" --cds-auth off > "$work/service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
await_200 "$SERVICE_PORT" || { cat "$work/service.log" >&2; exit 1; }
startup=$(( $(now_ms) - start ))

"$baseline" "127.0.0.1:$BASELINE_PORT" > "$work/baseline.log" 2>&1 &
pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$BASELINE_PORT/"; do sleep 0.01; done

typical='{"pain":{"duration":"chronic","intensity":4,"areas":["lower_back","hips"]},"conditions":["prolonged-sitting","poor-posture"],"age":38,"preferences":{"minutes_per_day":15,"equipment":["chair"],"goal":"long_term"}}'
complex='{"pain":{"duration":"subacute","intensity":6,"areas":["lower_back","mid_back","upper_back","hips","leg"]},"conditions":["sciatica","pregnancy","prolonged-sitting","older-adult","stress-tension","low-mood","pain-sensitivity"],"red_flags":["night-pain"],"age":41,"preferences":{"minutes_per_day":45,"equipment":["chair","wall","towel","massage_ball","foam_roller","yoga_block"],"avoid_positions":["prone","kneeling"],"massage_access":"professional","goal":"both"},"start_back":{"leg_pain":true,"shoulder_or_neck_pain":false,"walked_short_distances_only":true,"dressed_slowly":false,"not_safe_to_be_active":true,"worrying_thoughts":true,"pain_terrible_never_better":false,"no_enjoyment":true,"bothersomeness":"very_much"}}'
# A CDS Hooks patient-view call: a patient, chronic low back pain with an
# onset date, and a code the catalog does not know.
cds='{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/example","patientId":"1288992"},"prefetch":{"patient":{"resourceType":"Patient","id":"1288992","birthDate":"1965-12-23"},"conditions":{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","subject":{"reference":"Patient/1288992"},"clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"278860009"}]},"onsetDateTime":"2026-01-10"}},{"resource":{"resourceType":"Condition","subject":{"reference":"Patient/1288992"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}]}}}]}}}'
post_script() {
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$2]]
LUA
  echo "$work/$1.lua"
}

# One wrk run: prints "rps p50 p99 errors".
load() {
  local url=$1 script=${2:-}
  local args=(-t1 "-c$CONNECTIONS" "-d${DURATION}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$work/wrk.out"
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors }
  ' "$work/wrk.out"
}

echo "warming up" >&2
wrk -t1 -c8 -d2s "http://127.0.0.1:$SERVICE_PORT/exercises/cat-cow" > /dev/null
wrk -t1 -c8 -d2s "http://127.0.0.1:$BASELINE_PORT/" > /dev/null

read -r b_rps b_p50 b_p99 b_err < <(load "http://127.0.0.1:$BASELINE_PORT/")
rows=()
# The median of its arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Each endpoint is also compared with the baseline serving a fixed body of
# the same size as the endpoint's answer ("same-size"): the ceiling for an
# answer that large on this stack, so the gap that is left is our code's.
# The two alternate ROUNDS times; the row holds the medians.
run() {
  local name=$1 url=$2 body=${3:-} script="" bytes rps p50 p99 err s_rps
  if [ -n "$body" ]; then
    script=$(post_script "req$((${#rows[@]}))" "$body")
    bytes=$(curl -s -H 'Content-Type: application/json' --data-binary "$body" "$url" | wc -c)
  else
    bytes=$(curl -s "$url" | wc -c)
  fi
  local port=$((BASELINE_PORT + 1))
  "$baseline" "127.0.0.1:$port" "$bytes" > /dev/null 2>&1 &
  local same_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.01; done
  local all_rps=() all_p50=() all_p99=() all_same=() ratios=() req_ratios=() errors=0 round r_rps
  for (( round = 0; round < ROUNDS; round++ )); do
    read -r rps p50 p99 err < <(load "$url" "$script")
    read -r s_rps _ < <(load "http://127.0.0.1:$port/")
    all_rps+=("$rps"); all_p50+=("$p50"); all_p99+=("$p99"); all_same+=("$s_rps")
    ratios+=("$(awk -v a="$rps" -v b="$s_rps" 'BEGIN { print a / b }')")
    if [ -n "$script" ]; then
      read -r r_rps _ < <(load "http://127.0.0.1:$port/" "$script")
      req_ratios+=("$(awk -v a="$rps" -v b="$r_rps" 'BEGIN { print a / b }')")
    fi
    errors=$((errors + err))
  done
  local same_request="-"
  [ -n "$script" ] && same_request=$(printf '%.2f' "$(median "${req_ratios[@]}")")
  kill "$same_pid"; wait "$same_pid" 2>/dev/null || true
  rps=$(median "${all_rps[@]}"); s_rps=$(median "${all_same[@]}")
  local spread
  spread=$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }')
  rows+=("$(printf '| %-38s | %6s | %7.0f | %7s | %7s | %6s | %5.2f | %9.0f | %5.2f | %9s | %12s |' "$name" "$bytes" "$rps" \
    "$(median "${all_p50[@]}")" "$(median "${all_p99[@]}")" "$errors" \
    "$(awk -v a="$rps" -v b="$b_rps" 'BEGIN { print a / b }')" "$s_rps" "$(median "${ratios[@]}")" "$spread" "$same_request")")
}
run "GET /exercises/{id}" "http://127.0.0.1:$SERVICE_PORT/exercises/piriformis-stretch"
run "GET /exercises?area=lower_back" "http://127.0.0.1:$SERVICE_PORT/exercises?area=lower_back"
run "POST /recommendation (typical)" "http://127.0.0.1:$SERVICE_PORT/recommendation" "$typical"
run "POST /recommendation (complex)" "http://127.0.0.1:$SERVICE_PORT/recommendation" "$complex"
run "POST /cds-services/back-pain-relief" "http://127.0.0.1:$SERVICE_PORT/cds-services/back-pain-relief" "$cds"

# The soak: wrk is bounded in time, so each half runs long enough for half
# the requests at the mixed rate measured in a short first run.
cat > "$work/mixed.lua" <<LUA
local bodies = { [[$typical]], [[$complex]] }
local i = 0
request = function()
  i = i + 1
  local k = i % 4
  if k == 0 then return wrk.format("GET", "/exercises/piriformis-stretch") end
  if k == 1 then return wrk.format("GET", "/exercises?area=lower_back") end
  return wrk.format("POST", "/recommendation", { ["Content-Type"] = "application/json" }, bodies[k - 1])
end
LUA
soak_half() {
  wrk -t1 "-c$CONNECTIONS" "-d${1}s" -s "$work/mixed.lua" "http://127.0.0.1:$SERVICE_PORT" > "$work/soak.out"
  awk '/requests in/ { n = $1 } /Non-2xx/ { e += $NF } END { printf "%d %d\n", n, e }' "$work/soak.out"
}
rss_now() { awk '/VmRSS/ { print $2 }' "/proc/$service_pid/status"; }
read -r probe_n _ < <(soak_half 2)
# A fifth more time than the probe's rate needs, so each half is sure to
# reach its share of SOAK_REQUESTS (the rate drifts over a long run).
half_secs=$(( (SOAK_REQUESTS / 2) * 2 * 6 / 5 / (probe_n > 0 ? probe_n : 1) + 1 ))
read -r first_n first_err < <(soak_half "$half_secs")
first_rss=$(rss_now)
read -r second_n second_err < <(soak_half "$half_secs")
second_rss=$(rss_now)

rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$service_pid/status")
size=$(stat -c %s "$service")

echo
echo "wrk 1 thread, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds per endpoint; $(nproc) cores; $(uname -m)"
echo
echo "ratio: to the baseline; same-size: the baseline serving a fixed body as large as the answer,"
echo "alternating with the endpoint; medians of the rounds, and the lowest and highest same-size ratio;"
echo "same request: the ratio to the same-size baseline sent the endpoint's own POST body (median)"
echo
echo "| endpoint                               |  bytes |   req/s | p50 ms  | p99 ms  | errors | ratio | same-size | ratio |    spread | same request |"
echo "| -------------------------------------- | ------ | ------- | ------- | ------- | ------ | ----- | --------- | ----- | --------- | ------------ |"
printf '| %-38s | %6s | %7s | %7s | %7s | %6s | %5.2f | %9s | %5.2f | %9s | %12s |\n' "baseline (axum, fixed JSON)" 15 "$b_rps" "$b_p50" "$b_p99" "$b_err" 1 "$b_rps" 1 "-" "-"
printf '%s\n' "${rows[@]}"
echo
echo "soak, mixed endpoints: first half $first_n requests ($first_err non-2xx), RSS after it $((first_rss / 1024)) MiB ($first_rss kB);"
echo "  second half $second_n requests ($second_err non-2xx), RSS after it $((second_rss / 1024)) MiB ($second_rss kB)"
echo "peak RSS of the service over the whole run: $((rss_kb / 1024)) MiB ($rss_kb kB)"
echo "start-up to first 200 (embedded catalog): ${startup} ms"
echo "release binary: $((size / 1024 / 1024)) MiB ($size bytes)"
