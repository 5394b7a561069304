# Blocks with the wrong number of labels: the message counts them.
site "t" {}

defaults "all" {}

station {
  serial = "G48229"
}

station "cp-02" "extra" {
  serial = "G48230"
}
