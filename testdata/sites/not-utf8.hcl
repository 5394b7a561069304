# Saved as Latin-1: the first byte that is not UTF-8 is reported where it is.
site "depot" {
  description = "Dépôt"
}
