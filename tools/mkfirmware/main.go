// Command mkfirmware writes a small synthetic ECC firmware image for tests,
// examples and the simulator: the header line of controller-protocol.md §5
// ("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC") followed by deterministic
// pseudo-random bytes, and prints the image's sha256.
//
//	go run ./tools/mkfirmware -version V32R17 -models EVC4,EVC5,ECC -size 65536 -o sites/firmware/V32R17.bin
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
	"github.com/ecotap-tools/ecc/model"
)

func main() {
	version := flag.String("version", "V32R17", "firmware version, e.g. V32R17")
	models := flag.String("models", "EVC4,EVC5,ECC", "comma-separated controller families the image runs on")
	size := flag.Int("size", 65536, "size of the whole image in bytes, header included")
	out := flag.String("o", "", "output file (required)")
	flag.Parse()
	img, err := build(*version, *models, *size)
	if err == nil && *out == "" {
		err = fmt.Errorf("-o FILE is required")
	}
	if err == nil {
		err = atomicfile.WriteFile(*out, img, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkfirmware:", err)
		os.Exit(1)
	}
	sum := sha256.Sum256(img)
	fmt.Printf("%s  %s\n", hex.EncodeToString(sum[:]), *out)
}

// build makes the image: the header, then a SHA-256 counter stream seeded
// by the header, so that the same flags always give the same bytes.
func build(version, models string, size int) ([]byte, error) {
	if _, err := model.ParseVersion(version); err != nil {
		return nil, err
	}
	header := fmt.Sprintf("ECCFW/1 version=%s models=%s\n", version, models)
	if len(header) > 128 {
		return nil, fmt.Errorf("header is %d bytes; at most 128", len(header))
	}
	if size < len(header) || size > 2<<20 {
		return nil, fmt.Errorf("-size must be between %d and %d", len(header), 2<<20)
	}
	if _, err := model.ParseFirmwareHeader([]byte(header)); err != nil {
		return nil, err
	}
	img := make([]byte, 0, size)
	img = append(img, header...)
	var ctr [8]byte
	for i := uint64(0); len(img) < size; i++ {
		binary.BigEndian.PutUint64(ctr[:], i)
		block := sha256.Sum256(append([]byte(header), ctr[:]...))
		img = append(img, block[:min(len(block), size-len(img))]...)
	}
	return img, nil
}
