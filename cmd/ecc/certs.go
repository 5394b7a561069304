package main

import (
	"crypto/x509"
	"fmt"
	"os"
)

// caPool reads the PEM certificates a flag trusts (--ocpp-ca, --gateway-ca):
// typically a gateway's self-signed --tls-cert. Only them: a private
// gateway is trusted for what it is, not for what a public CA says.
func caPool(flag, file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s %s: no PEM certificate in it", flag, file)
	}
	return pool, nil
}
