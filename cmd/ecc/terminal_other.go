//go:build !windows

package main

import "os"

// enableVirtualTerminal: terminals outside Windows interpret ANSI escapes.
func enableVirtualTerminal(*os.File) bool { return true }
