package transport

// SetPortLister replaces the port listing AutoPort uses until restore is
// called (for tests outside the package, which may import transport/sim).
func SetPortLister(f func() ([]PortInfo, error)) (restore func()) {
	old := portLister
	portLister = f
	return func() { portLister = old }
}
