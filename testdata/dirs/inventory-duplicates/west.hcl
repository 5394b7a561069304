station "south-02" {
  serial = "G70199"
}
