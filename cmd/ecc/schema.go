package main

import (
	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
)

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the YAML site files (for editors)",
		Long: "schema prints a JSON Schema (draft-07) of the YAML site files, generated\n" +
			"from the dictionary: every key with its forms, ranges, enumerations, option\n" +
			"names and levels, and the guide's description. docs/site.schema.json is a copy.\n\n" +
			"In VS Code (YAML extension), start a site file with\n" +
			"  # yaml-language-server: $schema=PATH/TO/site.schema.json\n" +
			"and set\n" +
			"  \"yaml.customTags\": [\"!env scalar\", \"!file scalar\"]\n" +
			"A validator sees a !env or !file value as the name or path after the tag:\n" +
			"`ecc validate` checks the secret itself.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(model.SiteSchema())
			return err
		},
	}
}
