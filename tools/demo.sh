#!/usr/bin/env bash
# make demo: a simulated controller on a pseudo-terminal, then plan, apply
# and an empty plan of sites/depot.hcl against it over the cable; then the
# same controller through ecc gateway over OCPP 1.6J, where the site's ocpp
# block (left for the gateway on the cable) is planned and applied. No
# hardware, no set-up; everything lives in a temporary directory removed on
# exit, and the simulator and the gateway are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
ECC=${ECC:-./ecc}
export ECC_AUTH_CP01=${ECC_AUTH_CP01:-ECOTAP-1802500:demo-secret}

work=$(mktemp -d "${TMPDIR:-/tmp}/ecc-demo.XXXXXX")
sim_pid=
gw_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	[ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi

step "ecc validate sites/depot.hcl (and the same site in YAML)"
$ECC validate sites/depot.hcl
$ECC validate sites/depot.yaml

step "ecc validate sites/fleet (a folder; its stations come from CSV inventories) and ecc fmt -check"
$ECC validate sites/fleet
$ECC fmt -check -recursive sites

step "ecc gateway: the station's OCPP backend connection goes through it"
$ECC gateway --listen 127.0.0.1:0 --state-dir "$work/gateway" >"$work/gateway.log" 2>&1 &
gw_pid=$!
gw=
for _ in $(seq 50); do
	gw=$(sed -n 's/.*control API on \([0-9.:]*\).*/\1/p' "$work/gateway.log")
	[ -n "$gw" ] && break
	sleep 0.1
done
[ -n "$gw" ] || { cat "$work/gateway.log"; exit 1; }
cat "$work/gateway.log"
export ECC_GATEWAY_TOKEN
ECC_GATEWAY_TOKEN=$(cat "$work/gateway/gateway.token")

step "ecc sim: a controller EVC5.1 G48229 running V32R16, on a pseudo-terminal and as OCPP charge point CP01"
$ECC sim --state "$work/controller.json" --link "$work/tty" --model EVC5.1 --serial G48229 --firmware V32R16 \
	--ocpp "ws://$gw/ocpp/CP01" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 50); do [ -e "$work/tty" ] && break; sleep 0.1; done
head -n 5 "$work/sim.log"

common=(--port "$work/tty" --state-dir "$work/state")

step "ecc plan sites/depot.hcl --port $work/tty"
$ECC plan sites/depot.hcl "${common[@]}"

step "ecc apply sites/depot.hcl --port $work/tty --auto-approve"
$ECC apply sites/depot.hcl "${common[@]}" --auto-approve

step "ecc plan --detailed-exitcode (expect no changes, exit 0)"
$ECC plan sites/depot.hcl "${common[@]}" --detailed-exitcode
echo "exit code: $?"

remote=(--port "ocpp://$gw/CP01" --state-dir "$work/state")

step "ecc gateway stations --gateway $gw"
for _ in $(seq 100); do $ECC gateway stations --gateway "$gw" 2>/dev/null | grep -q CP01 && break; sleep 0.1; done
$ECC gateway stations --gateway "$gw"

step "ecc plan sites/depot.hcl --port ocpp://$gw/CP01 (the ocpp block, over OCPP)"
$ECC plan sites/depot.hcl "${remote[@]}"

step "ecc apply sites/depot.hcl --port ocpp://$gw/CP01 --auto-approve"
$ECC apply sites/depot.hcl "${remote[@]}" --auto-approve

step "ecc plan --detailed-exitcode over OCPP, then over the cable (expect no changes, exit 0)"
$ECC plan sites/depot.hcl "${remote[@]}" --detailed-exitcode
$ECC plan sites/depot.hcl "${common[@]}" --detailed-exitcode
echo "exit code: $?"
