# Two files share a missing factory file and a broken one: each is
# reported at its first use, and the later uses name that one.
station "cp-01" {
  serial  = "G48229"
  factory = "factory/missing.json"
}

station "cp-02" {
  serial  = "G48230"
  factory = "factory/broken.json"
}
