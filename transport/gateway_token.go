package transport

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
	"github.com/ecotap-tools/ecc/internal/bom"
)

// GatewayTokenFile is the control API token's file name in a state
// directory; GatewayTokenEnv the environment variable that overrides it.
const (
	GatewayTokenFile = "gateway.token"
	GatewayTokenEnv  = "ECC_GATEWAY_TOKEN"
)

// ReadGatewayToken reads a token file (one line; surrounding space
// ignored). A file written by Windows PowerShell 5.1 (`$t > FILE`: UTF-16)
// or saved by an editor as "UTF-8 with BOM" holds the same token.
func ReadGatewayToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	b, _, bad := bom.FromUTF16(b)
	if bad != nil {
		return "", fmt.Errorf("%s: %v", path, bad)
	}
	tok := strings.TrimSpace(string(bom.Trim(b)))
	if tok == "" {
		return "", fmt.Errorf("%s: empty token", path)
	}
	return tok, nil
}

// gatewayToken is the token a client sends: $ECC_GATEWAY_TOKEN, else the
// token file of the first of stateDirs that has one (a client's --state-dir,
// then ./.ecc, where `ecc gateway` writes it by default).
func gatewayToken(stateDirs ...string) (string, error) {
	if tok := strings.TrimSpace(os.Getenv(GatewayTokenEnv)); tok != "" {
		return tok, nil
	}
	var tried []string
	for _, dir := range stateDirs {
		path := filepath.Join(dir, GatewayTokenFile)
		tok, err := ReadGatewayToken(path)
		if !errors.Is(err, fs.ErrNotExist) {
			return tok, err
		}
		tried = append(tried, path)
	}
	return "", fmt.Errorf("no gateway token: set %s, give --gateway-token-file, or copy the gateway's %s to %s", GatewayTokenEnv, GatewayTokenFile, strings.Join(tried, " or "))
}

// EnsureGatewayToken returns the token of stateDir's token file, making
// one (32 random bytes, hex, mode 0600) when there is none; created says
// whether it did.
func EnsureGatewayToken(stateDir string) (tok, path string, created bool, err error) {
	path = filepath.Join(stateDir, GatewayTokenFile)
	tok, err = ReadGatewayToken(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return tok, path, false, err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", path, false, err
	}
	tok = hex.EncodeToString(b[:])
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", path, false, err
	}
	if err := atomicfile.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", path, false, err
	}
	return tok, path, true, nil
}
