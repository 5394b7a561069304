package fleetgen

import (
	"errors"
	"os"
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ParseHCL parses every file with hclsyntax.ParseConfig, over one
// goroutine per core, and does nothing else: the floor under ecc's
// commands on a fleet written out in HCL, timed by benchmarks in the same
// run as the command (machines differ, and one machine differs from hour
// to hour: a ratio to this floor does not).
func ParseHCL(files []string) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	next := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range next {
				src, err := os.ReadFile(f)
				if err == nil {
					if _, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos); diags.HasErrors() {
						err = diags
					}
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}
