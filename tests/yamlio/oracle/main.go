// Command oracle answers, for each JSON line {"yaml": "...", "stream": bool} on stdin, what the real
// Kubernetes YAML stack makes of the text, one JSON line per request on stdout:
//
//   - stream false: sigs.k8s.io/yaml.YAMLToJSON(text)  -> {"json": "<its output>"} or {"error": "..."},
//     plus "ambiguous": true when a mapping holds two different keys that YAMLToJSON writes as the same
//     string (1 and "1", true and "true"): Go's map order then decides which value survives (or
//     whether an unsupported one is left to fail), so the answer is not reproducible
//   - stream true:  the document reader kubectl and istioctl kube-inject use
//     (k8s.io/apimachinery/pkg/util/yaml.NewYAMLReader), then YAMLToJSON per document
//     -> {"docs": ["<json>", ...]} or {"error": "..."}
//   - marshal true: the text is JSON; sigs.k8s.io/yaml.JSONToYAML(text), the way istioctl kube-inject
//     prints objects -> {"yaml": "..."} or {"error": "..."}
//
// Tests in tests/yamlio compare simulator/yamlio.py with these answers.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	goyaml "go.yaml.in/yaml/v2"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// keyText is how sigs.k8s.io/yaml's convertToJSONableObject names a decoded key (kinds it rejects fall
// back to fmt, which is enough to tell keys apart).
func keyText(k interface{}) string {
	switch k := k.(type) {
	case string:
		return k
	case int:
		return strconv.Itoa(k)
	case int64:
		return strconv.FormatInt(k, 10)
	case float64:
		switch s := strconv.FormatFloat(k, 'g', -1, 32); s {
		case "+Inf":
			return ".inf"
		case "-Inf":
			return "-.inf"
		case "NaN":
			return ".nan"
		default:
			return s
		}
	case bool:
		return strconv.FormatBool(k)
	}
	return fmt.Sprintf("%T:%v", k, k)
}

// ambiguous reports whether some mapping in v has two keys that keyText names alike.
func ambiguous(v interface{}) bool {
	switch v := v.(type) {
	case map[interface{}]interface{}:
		seen := map[string]bool{}
		for k, e := range v {
			t := keyText(k)
			if seen[t] || ambiguous(e) {
				return true
			}
			seen[t] = true
		}
	case []interface{}:
		for _, e := range v {
			if ambiguous(e) {
				return true
			}
		}
	}
	return false
}

type request struct {
	YAML    string `json:"yaml"`
	Stream  bool   `json:"stream"`
	Marshal bool   `json:"marshal"`
}

type answer struct {
	YAML      *string  `json:"yaml,omitempty"`
	JSON      *string  `json:"json,omitempty"`
	Ambiguous bool     `json:"ambiguous,omitempty"`
	Docs      []string `json:"docs,omitempty"`
	Error     *string  `json:"error,omitempty"`
}

func convert(text string) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	b, err := yaml.YAMLToJSON([]byte(text))
	return string(b), err
}

func stream(text string) (docs []string, err error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte(text))))
	docs = []string{}
	for {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		out, err := convert(string(chunk))
		if err != nil {
			return nil, err
		}
		docs = append(docs, out)
	}
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var req request
			var ans answer
			if jerr := json.Unmarshal(line, &req); jerr != nil {
				msg := "bad request: " + jerr.Error()
				ans.Error = &msg
			} else if req.Marshal {
				y, merr := yaml.JSONToYAML([]byte(req.YAML))
				if merr != nil {
					msg := merr.Error()
					ans.Error = &msg
				} else {
					text := string(y)
					ans.YAML = &text
				}
			} else if req.Stream {
				docs, serr := stream(req.YAML)
				if serr != nil {
					msg := serr.Error()
					ans.Error = &msg
				} else {
					ans.Docs = docs
					if ans.Docs == nil {
						ans.Docs = []string{}
					}
				}
			} else {
				j, cerr := convert(req.YAML)
				if cerr != nil {
					msg := cerr.Error()
					ans.Error = &msg
				} else {
					ans.JSON = &j
				}
				var v interface{}
				if goyaml.Unmarshal([]byte(req.YAML), &v) == nil {
					ans.Ambiguous = ambiguous(v)
				}
			}
			if eerr := enc.Encode(&ans); eerr != nil {
				fmt.Fprintln(os.Stderr, eerr)
				os.Exit(1)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return
			}
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
