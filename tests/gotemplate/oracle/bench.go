package main

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"text/template"
)

// benchFuncs stands in for Istio's injection function map (pkg/kube/inject/template.go) so the real
// sidecar template can be timed on plain JSON data. bench/bench_gotemplate.py defines the same stand-ins
// for the Python engine, so both renderings must be identical; they are not Istio's exact semantics.
var benchFuncs = template.FuncMap{
	"annotation": func(meta interface{}, name string, def interface{}) string {
		m, _ := meta.(map[string]interface{})
		a, _ := m["Annotations"].(map[string]string)
		if v, ok := a[name]; ok {
			return v
		}
		return fmt.Sprint(def)
	},
	"isset": func(m map[string]string, key string) bool {
		_, ok := m[key]
		return ok
	},
	"valueOrDefault": func(v interface{}, def interface{}) interface{} {
		if v == nil || v == "" {
			return def
		}
		return v
	},
	"excludeInboundPort": func(port interface{}, list string) string {
		p := strings.TrimSpace(fmt.Sprint(port))
		if p == "" || p == "0" {
			return list
		}
		var kept []string
		for _, item := range strings.Split(list, ",") {
			if item == p {
				return list
			}
			if t := strings.TrimSpace(item); t != "" {
				kept = append(kept, t)
			}
		}
		return strings.Join(append(kept, p), ",")
	},
	"toYaml": func(v interface{}) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return ""
		}
		return string(b) + "\n"
	},
	"indent": func(n int, s string) string {
		return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n))
	},
	"directory": func(p string) string {
		dir, _ := path.Split(p)
		return dir
	},
	"contains": func(needle, haystack string) bool { return strings.Contains(haystack, needle) },
	"toLower":  strings.ToLower,
	"env":      func(key, def string) string { return def },
	"fromJSON": func(s string) interface{} {
		var v interface{}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return "{}"
		}
		return v
	},
	"structToJSON": func(v interface{}) string {
		if v == nil {
			return "{}"
		}
		b, err := json.Marshal(v)
		if err != nil {
			return "{}"
		}
		return string(b)
	},
	"protoToJSON": func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return "{}"
		}
		return string(b)
	},
	"omitNil": func(v interface{}) interface{} { return v },
	"appendMultusNetwork": func(existing, net string) string {
		if existing == "" {
			return net
		}
		return existing
	},
	"otelResourceAttributes": func(args ...interface{}) string { return "" },
}
