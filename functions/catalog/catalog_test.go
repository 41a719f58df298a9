package catalog

import (
	"strings"
	"testing"
)

const valid = `image: ghcr.io/unbake/inject-sidecar
description: add sidecar containers to pod templates
tags: [mutator]
sourceURL: https://github.com/unbake/unbake/tree/main/functions/injectsidecar
examplePackageURLs: [https://github.com/unbake/unbake/tree/main/examples/image-prepull]
license: Apache-2.0
`

func TestParse(t *testing.T) {
	m, err := Parse([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if m.Image != "ghcr.io/unbake/inject-sidecar" || m.Description != "add sidecar containers to pod templates" ||
		len(m.Tags) != 1 || len(m.ExamplePackageURLs) != 1 || m.License != "Apache-2.0" {
		t.Errorf("Parse = %+v", m)
	}
	if got := Description([]byte(valid)); got != m.Description {
		t.Errorf("Description = %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	edit := func(old, new string) string { return strings.Replace(valid, old, new, 1) }
	for name, c := range map[string]struct{ text, want string }{
		"unknown field":   {valid + "emails: [a@b.c]\n", "field emails not found"},
		"no image":        {edit("image: ghcr.io/unbake/inject-sidecar\n", ""), "image: required"},
		"no license":      {edit("license: Apache-2.0\n", ""), "license: required"},
		"no sourceURL":    {edit("sourceURL", "# sourceURL"), "sourceURL: required"},
		"no tags":         {edit("tags: [mutator]", "tags: []"), "tags: at least one"},
		"unknown tag":     {edit("tags: [mutator]", "tags: [mutator, sidecar]"), `"sidecar" is not one of`},
		"tagged image":    {edit("inject-sidecar\n", "inject-sidecar:v1\n"), "without a tag"},
		"image elsewhere": {edit("ghcr.io/", "docker.io/"), "a ghcr.io image"},
	} {
		if _, err := Parse([]byte(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestDescriptionPanicsOnInvalid(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Description([]byte("image: x\n"))
}
