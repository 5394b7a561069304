site "t" {}

station "cp-01" {
  serial = "G48229"
}

station "cp-02" {
  serial = "G48230"
}

station "cp-01" {
  serial = "G48231"
}
