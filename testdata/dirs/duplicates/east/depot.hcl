# Declares cp-01 (G48229); west.yaml declares the same controller again.
station "cp-01" {
  serial = "G48229"
}

station "cp-02" {
  serial = "G48230"
}
