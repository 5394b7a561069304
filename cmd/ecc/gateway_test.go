package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

// runningGateway is the real `ecc gateway` binary on 127.0.0.1.
type runningGateway struct {
	addr, token, stateDir string
	stderr                *ecctest.Buffer // the process writes it while the test reads
	cmd                   *exec.Cmd
}

// startGateway runs `ecc gateway --listen 127.0.0.1:0` with extra args
// and waits for its address.
func startGateway(t testing.TB, args ...string) *runningGateway {
	t.Helper()
	g := &runningGateway{stateDir: t.TempDir(), stderr: &ecctest.Buffer{}}
	g.cmd = exec.Command(ecctest.Binary(t), append([]string{"gateway", "--listen", "127.0.0.1:0", "--state-dir", g.stateDir, "--log-level", "debug"}, args...)...)
	out, err := g.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	g.cmd.Stderr = g.stderr
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.cmd.Process.Signal(os.Interrupt); g.cmd.Wait() })
	sc := bufio.NewScanner(out)
	var stdout strings.Builder
	for sc.Scan() {
		line := sc.Text()
		stdout.WriteString(line + "\n")
		if _, a, ok := strings.Cut(line, "control API on "); ok {
			g.addr = a
			break
		}
	}
	go io.Copy(io.Discard, out)
	if g.addr == "" {
		t.Fatalf("gateway did not start: %s %s", stdout.String(), g.stderr.String())
	}
	if !strings.Contains(stdout.String(), "token written to "+filepath.Join(g.stateDir, transport.GatewayTokenFile)) {
		t.Fatalf("token path not printed: %s", stdout.String())
	}
	st, err := os.Stat(filepath.Join(g.stateDir, transport.GatewayTokenFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	g.token, _ = transport.ReadGatewayToken(filepath.Join(g.stateDir, transport.GatewayTokenFile))
	return g
}

func (g *runningGateway) env() []string { return []string{transport.GatewayTokenEnv + "=" + g.token} }

// stations connects n lightweight charge points S1..Sn as CB1..CBn.
func stations(t *testing.T, g *runningGateway, n int, header map[string]string) []*ocpptest.ChargePoint {
	t.Helper()
	var cps []*ocpptest.ChargePoint
	for i := 1; i <= n; i++ {
		cp := ocpptest.New("ws://"+g.addr+"/ocpp/", fmt.Sprintf("CB%d", i), fmt.Sprintf("S%d", i), "V32R17")
		cp.Config["authorizationKey"] = ""
		cp.Config["gsm_APN"] = "m2mservices,,"
		for k, v := range header {
			cp.Header = map[string][]string{k: {v}}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := cp.Connect(ctx, true)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cp.Close)
		cps = append(cps, cp)
	}
	return cps
}

// fleetSite writes a site file of stations S1..Sn (and S99, which never
// connects).
func fleetSite(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("site \"remote\" {}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "station \"st%d\" {\n  serial = \"S%d\"\n  settings {\n    chg_StationMaxCurrent = 25\n    authorizationKey = env(\"ECC_TEST_AUTHKEY\")\n"+
			"    gsm_APN = { name = \"m2m.example\", user = \"fleet\", password = env(\"ECC_TEST_APNPW\") }\n  }\n}\n", i, i)
	}
	b.WriteString("station \"gone\" {\n  serial = \"S99\"\n  settings {\n    chg_StationMaxCurrent = 25\n  }\n}\n")
	path := filepath.Join(t.TempDir(), "remote.hcl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	testAPNPassword = "apn-pa55-w0rd"
	testStationAuth = "Basic U1RBVElPTjpzdGF0aW9uLXBhc3N3b3JkLTQy" // the station's own credentials
	testAuthKey     = "ECOTAP-1:s3cr3t-authorization-key-77"
)

// TestGatewayEndToEnd runs the real `ecc gateway` in front of a fake
// backend with three lightweight stations, and plans and applies a site
// file of four (one never connects) through it with the real binary.
func TestGatewayEndToEnd(t *testing.T) {
	be := ocpptest.NewBackend()
	defer be.Close()
	g := startGateway(t, "--upstream", be.URL())
	cps := stations(t, g, 3, map[string]string{"Authorization": testStationAuth})
	cps[1].Set(func(cp *ocpptest.ChargePoint) { cp.Reject["authorizationKey"] = true })
	site := fleetSite(t, 3)
	state := filepath.Join(t.TempDir(), "state")
	env := append(g.env(), "ECC_TEST_AUTHKEY="+testAuthKey, "ECC_TEST_APNPW="+testAPNPassword)
	var outputs []string

	// The control API without the token: refused, nothing listed.
	out, errOut, code := runBinary(t, []string{transport.GatewayTokenEnv + "=wrong"}, "gateway", "stations", "--gateway", g.addr)
	if code != 1 || !strings.Contains(errOut, "bearer token") {
		t.Fatalf("without the token: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "gateway", "stations", "--gateway", g.addr)
	if code != 0 || !strings.Contains(out, "CB2") || !strings.Contains(out, "S3") || !strings.Contains(out, "V32R17") {
		t.Fatalf("stations: exit %d\n%s%s", code, out, errOut)
	}
	outputs = append(outputs, out, errOut)

	// plan --gateway: the three connected stations planned, the fourth
	// not reachable; the others go on.
	out, errOut, code = runBinary(t, env, "plan", site, "--gateway", g.addr, "--state-dir", state)
	outputs = append(outputs, out, errOut)
	if code != 1 || strings.Count(out, `chg_StationMaxCurrent: "32" -> "25"`) != 3 ||
		!strings.Contains(out, "not reachable: serial S99 is not connected to the gateway") ||
		!strings.Contains(out, "port ocpp://"+g.addr+"/CB1") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}

	// apply --gateway: st1 and st3 written, reset (reconnecting) and
	// verified; st2 rejects a key and is rolled back.
	out, errOut, code = runBinary(t, env, "apply", site, "--gateway", g.addr, "--state-dir", state, "--auto-approve")
	outputs = append(outputs, out, errOut)
	if code == 0 {
		t.Fatalf("apply with a rejected key and an unreachable station exited 0\n%s%s", out, errOut)
	}
	for i, cp := range cps {
		want, boots := "25", 2
		if i == 1 {
			want, boots = "32", cp.Boots()
		}
		if got := cp.Get("chg_StationMaxCurrent"); got != want {
			t.Errorf("station %d: chg_StationMaxCurrent %s, want %s\n%s%s", i+1, got, want, out, errOut)
		}
		if i != 1 && (cp.Get("authorizationKey") != testAuthKey || !strings.HasSuffix(cp.Get("gsm_APN"), ","+testAPNPassword) || cp.Boots() != boots || cp.Count("Reset") != 1) {
			t.Errorf("station %d: not reset and reconnected (boots %d, resets %d)", i+1, cp.Boots(), cp.Count("Reset"))
		}
	}
	if !strings.Contains(out+errOut, "Rejected") {
		t.Errorf("the rejection is not reported:\n%s%s", out, errOut)
	}

	// import --gateway: one site file of every connected station.
	out, errOut, code = runBinary(t, env, "import", "--gateway", g.addr)
	outputs = append(outputs, out, errOut)
	if code != 0 || !strings.Contains(out, `station "s1"`) || !strings.Contains(out, `serial = "S3"`) || !strings.Contains(out, "chg_StationMaxCurrent = 25") {
		t.Fatalf("import --gateway: exit %d\n%s%s", code, out, errOut)
	}
	// restore --gateway --backup: the backup's serial finds the station.
	backups, _ := filepath.Glob(filepath.Join(state, "backups", "S1", "*.json"))
	if len(backups) == 0 {
		t.Fatal("no backup of S1")
	}
	out, errOut, code = runBinary(t, env, "restore", "--gateway", g.addr, "--backup", backups[0], "--auto-approve", "--state-dir", state)
	outputs = append(outputs, out, errOut)
	if code != 0 || cps[0].Get("chg_StationMaxCurrent") != "32" {
		t.Fatalf("restore --gateway: exit %d, value %s\n%s%s", code, cps[0].Get("chg_StationMaxCurrent"), out, errOut)
	}

	// The backend saw the stations' own frames and nothing of ecc's.
	for _, f := range be.Frames() {
		if strings.Contains(f, "ecc-") || strings.Contains(f, "ChangeConfiguration") || strings.Contains(f, "GetConfiguration") {
			t.Errorf("the backend saw ecc's traffic: %s", f)
		}
	}
	for _, a := range be.Authorizations() {
		if a != testStationAuth {
			t.Errorf("backend handshake with %q, not the station's credentials", a)
		}
	}

	// Secrets: in no output, log or state file.
	outputs = append(outputs, g.stderr.String())
	filepath.Walk(g.stateDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			outputs = append(outputs, string(b))
		}
		return nil
	})
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			outputs = append(outputs, string(b))
		}
		return nil
	})
	for _, o := range outputs {
		for _, secret := range []string{testStationAuth, "U1RBVElPTjpz", "s3cr3t-authorization", testAPNPassword} {
			if strings.Contains(o, secret) {
				t.Fatalf("a secret (%s) appears in output, log or state:\n%s", secret[:8], o)
			}
		}
	}
	if !strings.Contains(g.stderr.String(), "station connected") {
		t.Fatalf("the gateway's log is empty: %s", g.stderr.String())
	}
}

// TestGatewayStationDropsMidApply: a station that drops its connection
// during an apply over OCPP leaves the journal, and the next plan says so,
// as on the cable.
func TestGatewayStationDropsMidApply(t *testing.T) {
	g := startGateway(t, "--call-timeout", "2s")
	cp := stations(t, g, 1, nil)[0]
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.DropOn["authorizationKey"] = true })
	site := fleetSite(t, 1)
	state := filepath.Join(t.TempDir(), "state")
	env := append(g.env(), "ECC_TEST_AUTHKEY="+testAuthKey, "ECC_TEST_APNPW="+testAPNPassword)
	out, errOut, code := runBinary(t, env, "apply", site, "--gateway", g.addr, "--state-dir", state, "--auto-approve", "--station", "st1")
	if code == 0 {
		t.Fatalf("apply with a dropped station exited 0\n%s%s", out, errOut)
	}
	if _, err := os.Stat(filepath.Join(state, "journal", "S1.json")); err != nil {
		t.Fatalf("no journal after the drop: %v\n%s%s", err, out, errOut)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.DropOn = map[string]bool{} })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cp.Connect(ctx, true); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runBinary(t, env, "plan", site, "--gateway", g.addr, "--state-dir", state, "--station", "st1")
	if code != 1 || !strings.Contains(out, "an apply of this station was interrupted") {
		t.Fatalf("plan after the drop: exit %d\n%s%s", code, out, errOut)
	}
}

// TestGatewayOverTLS: `ecc gateway --tls-cert --tls-key` serves wss:// to
// stations and https:// to ecc (--gateway https://HOST:PORT, ocpps://
// ports), the certificate trusted through SSL_CERT_FILE or --gateway-ca.
func TestGatewayOverTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	g := startGateway(t, "--tls-cert", certFile, "--tls-key", keyFile)
	cp := ocpptest.New("wss://"+g.addr+"/ocpp/", "CB1", "S1", "V32R17")
	cp.HTTP = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cp.Config["authorizationKey"] = ""
	cp.Config["gsm_APN"] = "m2mservices,,"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cp.Connect(ctx, true); err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	env := append(g.env(), "SSL_CERT_FILE="+certFile, "ECC_TEST_AUTHKEY="+testAuthKey, "ECC_TEST_APNPW="+testAPNPassword)
	out, errOut, code := runBinary(t, env, "plan", fleetSite(t, 1), "--gateway", "https://"+g.addr, "--station", "st1", "--state-dir", dir)
	if code != 0 || !strings.Contains(out, "port ocpps://"+g.addr+"/CB1") || !strings.Contains(out, `chg_StationMaxCurrent: "32" -> "25"`) {
		t.Fatalf("plan over TLS: exit %d\n%s%s", code, out, errOut)
	}
	// --gateway-ca (or ECC_GATEWAY_CA) trusts the gateway's own
	// certificate on every system: SSL_CERT_FILE is read on Linux and the
	// BSDs only, not on an installer's Windows or macOS laptop.
	for _, args := range [][]string{{"--gateway-ca", certFile}, {}} {
		env := append(g.env(), "SSL_CERT_FILE=", "ECC_TEST_AUTHKEY="+testAuthKey, "ECC_TEST_APNPW="+testAPNPassword)
		if len(args) == 0 {
			env = append(env, "ECC_GATEWAY_CA="+certFile)
		}
		out, errOut, code := runBinary(t, env, append([]string{"plan", fleetSite(t, 1), "--gateway", "https://" + g.addr, "--station", "st1", "--state-dir", dir}, args...)...)
		if code != 0 || !strings.Contains(out, "port ocpps://"+g.addr+"/CB1") {
			t.Errorf("plan over TLS %q: exit %d\n%s%s", args, code, out, errOut)
		}
		out, errOut, code = runBinary(t, env, append([]string{"gateway", "stations", "--gateway", "https://" + g.addr}, args...)...)
		if code != 0 || !strings.Contains(out, "CB1") {
			t.Errorf("gateway stations over TLS %q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if _, errOut, code := runBinary(t, append(g.env(), "SSL_CERT_FILE="), "gateway", "stations", "--gateway", "https://"+g.addr, "--gateway-ca", keyFile); code != 1 || !strings.Contains(errOut, "no PEM certificate") {
		t.Errorf("--gateway-ca of a key: exit %d %s", code, errOut)
	}
	// Plain http to the TLS listener fails clearly.
	if _, errOut, code := runBinary(t, g.env(), "gateway", "stations", "--gateway", g.addr); code != 1 {
		t.Fatalf("plain http to a TLS gateway: exit %d %s", code, errOut)
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns them
// with a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ecc gateway test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestSiteFilePortOCPP: a station's port in a site file may be an
// ocpp:// address; plan needs neither --port nor --gateway.
func TestSiteFilePortOCPP(t *testing.T) {
	g := startGateway(t)
	stations(t, g, 1, nil)
	site := filepath.Join(t.TempDir(), "one.hcl")
	os.WriteFile(site, []byte(fmt.Sprintf("site \"one\" {}\nstation \"st1\" {\n  serial = \"S1\"\n  port   = \"ocpp://%s/CB1\"\n  settings {\n    chg_StationMaxCurrent = 20\n  }\n}\n", g.addr)), 0o644)
	out, errOut, code := runBinary(t, g.env(), "plan", site, "--state-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, `chg_StationMaxCurrent: "32" -> "20"`) {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
}

// --gateway-token-file, when given, is the token: it wins over a stale
// $ECC_GATEWAY_TOKEN (the flag's help names the variable as its default).
func TestGatewayTokenFileFlagWinsOverEnv(t *testing.T) {
	g := startGateway(t)
	file := filepath.Join(g.stateDir, transport.GatewayTokenFile)
	out, errOut, code := runBinary(t, []string{transport.GatewayTokenEnv + "=stale"}, "gateway", "stations", "--gateway", g.addr, "--gateway-token-file", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestGatewayTokenInStateDir: without --gateway-token-file or
// $ECC_GATEWAY_TOKEN the token is found in the command's --state-dir
// (where `ecc gateway --state-dir` wrote it); found nowhere, the error
// names where it was looked for.
func TestGatewayTokenInStateDir(t *testing.T) {
	g := startGateway(t)
	stations(t, g, 1, nil)
	site := filepath.Join(t.TempDir(), "one.hcl")
	os.WriteFile(site, []byte("station \"st1\" {\n  serial = \"S1\"\n  settings {\n    chg_StationMaxCurrent = 20\n  }\n}\n"), 0o644)
	noEnv := []string{transport.GatewayTokenEnv + "="}
	out, errOut, code := runBinary(t, noEnv, "plan", site, "--gateway", g.addr, "--state-dir", g.stateDir)
	if code != 0 || !strings.Contains(out, `chg_StationMaxCurrent: "32" -> "20"`) {
		t.Fatalf("token in --state-dir: exit %d\n%s%s", code, out, errOut)
	}
	other := t.TempDir()
	_, errOut, code = runBinary(t, noEnv, "plan", site, "--gateway", g.addr, "--state-dir", other)
	if code != 1 || !strings.Contains(errOut, filepath.Join(other, transport.GatewayTokenFile)) {
		t.Fatalf("no token anywhere: exit %d, %s", code, errOut)
	}
}

// TestGatewayBadUpstream: a mistyped --upstream stops the gateway at start
// (exit 1, nothing listening), instead of refusing every station later.
func TestGatewayBadUpstream(t *testing.T) {
	dir := t.TempDir()
	_, errOut, code := runBinary(t, nil, "gateway", "--listen", "127.0.0.1:0", "--state-dir", dir, "--upstream", "backend.example/ocpp/")
	if code != 1 || !strings.Contains(errOut, "want ws://HOST[:PORT]/PATH/") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, transport.GatewayTokenFile)); err == nil {
		t.Fatal("a token was written by a gateway that did not start")
	}
}

// TestGatewayOCPPBlockOnAStationThatAdoptsTheInterval: a station that
// adopts BootNotification.conf's interval, as OCPP 1.6 says it SHALL,
// keeps the HeartbeatInterval ecc wrote through the Reset (the gateway
// answered every boot with 300, verify failed and apply rolled back).
func TestGatewayOCPPBlockOnAStationThatAdoptsTheInterval(t *testing.T) {
	g := startGateway(t)
	cp := stations(t, g, 1, nil)[0]
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.AdoptInterval = true })
	site := filepath.Join(t.TempDir(), "site.hcl")
	os.WriteFile(site, []byte("site \"remote\" {}\nstation \"st1\" {\n  serial = \"S1\"\n  ocpp {\n    HeartbeatInterval = 120\n  }\n}\n"), 0o644)
	state := filepath.Join(t.TempDir(), "state")
	out, errOut, code := runBinary(t, g.env(), "apply", site, "--gateway", g.addr, "--state-dir", state, "--auto-approve")
	if code != 0 || cp.Get("HeartbeatInterval") != "120" || cp.Count("Reset") != 1 || !strings.Contains(out+errOut, "verified 1 key") {
		t.Fatalf("apply: exit %d, HeartbeatInterval %s\n%s%s", code, cp.Get("HeartbeatInterval"), out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "plan", site, "--gateway", g.addr, "--state-dir", state, "--detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan after apply: exit %d (want no changes)\n%s%s", code, out, errOut)
	}
}

// TestGatewayCallErrorIsARefusal: a station that answers a
// ChangeConfiguration with a CALLERROR did not write the key: apply rolls
// back only the key written before it, and the station is as it was (the
// CALLERROR counted as maybe written: the rollback wrote the refused key
// too, got the same CALLERROR, failed, and kept the journal for ever).
func TestGatewayCallErrorIsARefusal(t *testing.T) {
	g := startGateway(t)
	cp := stations(t, g, 1, nil)[0]
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.CallError["chg_StationMaxCurrent"] = ocpp.NotSupported })
	site := filepath.Join(t.TempDir(), "site.hcl")
	os.WriteFile(site, []byte("site \"remote\" {}\nstation \"st1\" {\n  serial = \"S1\"\n  settings {\n    chg_StationMaxCurrent = 25\n  }\n"+
		"  ocpp {\n    HeartbeatInterval = 120\n  }\n}\n"), 0o644)
	state := filepath.Join(t.TempDir(), "state")
	out, errOut, code := runBinary(t, g.env(), "apply", site, "--gateway", g.addr, "--state-dir", state, "--auto-approve")
	if code == 0 || strings.Contains(out+errOut, "ROLLBACK FAILED") || !strings.Contains(out+errOut, "NotSupported for chg_StationMaxCurrent") ||
		!strings.Contains(out+errOut, "rolling back HeartbeatInterval\n") || !strings.Contains(out+errOut, "the station is as it was") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	if cp.Get("HeartbeatInterval") != "300" || cp.Get("chg_StationMaxCurrent") != "32" || cp.Count("ChangeConfiguration") != 3 {
		t.Fatalf("station left with HeartbeatInterval %s, chg_StationMaxCurrent %s after %d writes",
			cp.Get("HeartbeatInterval"), cp.Get("chg_StationMaxCurrent"), cp.Count("ChangeConfiguration"))
	}
	if _, err := os.Stat(filepath.Join(state, "journal", "S1.json")); !os.IsNotExist(err) {
		t.Fatalf("journal kept: %v", err)
	}
}
