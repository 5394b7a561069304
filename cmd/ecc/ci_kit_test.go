package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// The CI kit as a fleet repository copies it: the script at
// ci/ecc-review.sh, the workflow files parsed as the CI services parse
// them, their shell steps run as the runners run them (bash -eo pipefail).
// The steps that install ecc or talk to the service's API are not run; the
// binary under test is ecc on PATH.

// ciKitRun runs one form of the kit in dir (a clone of the fleet
// repository) on the site directory sites, and returns the output of
// its steps and the job's exit code.
type ciKitRun func(t *testing.T, dir, sites string, env []string) (string, int)

// ciKits are the kit's forms: the script alone, the GitHub workflow and
// the GitLab job.
var ciKits = map[string]ciKitRun{"script": runReviewScript, "github": runGitHubWorkflow, "gitlab": runGitLabJob}

func kitFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// installScript copies ecc-review.sh where the workflows expect it.
func installScript(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "ci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ci", "ecc-review.sh"), kitFile(t, "ecc-review.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// bashStep runs script as a runner's bash step and appends its output.
func bashStep(t *testing.T, dir string, env []string, script string, out *bytes.Buffer) int {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	code, err := ecctest.ExitCode(cmd.Run())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// withECC puts the binary under test first on PATH, as `go install` would.
func withECC(t *testing.T, env []string) []string {
	return append(env, "PATH="+filepath.Dir(ecctest.Binary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func runReviewScript(t *testing.T, dir, sites string, env []string) (string, int) {
	installScript(t, dir)
	var out bytes.Buffer
	code := bashStep(t, dir, withECC(t, env), "bash ci/ecc-review.sh review "+sites, &out)
	return out.String(), code
}

type ghWorkflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]struct {
		Steps []struct {
			Name, ID, Uses, Run, If string
			With                    map[string]string
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

var (
	ghHashFiles = regexp.MustCompile(`^hashFiles\('([^']+)'\) != ''$`)
	ghOutputNe  = regexp.MustCompile(`^steps\.(\w+)\.outputs\.(\w+) != '(.*)'$`)
)

func runGitHubWorkflow(t *testing.T, dir, sites string, env []string) (string, int) {
	var wf ghWorkflow
	if err := yaml.Unmarshal(kitFile(t, "github-workflow.yml"), &wf); err != nil {
		t.Fatalf("github-workflow.yml: %v", err)
	}
	if _, ok := wf.On["pull_request"]; !ok || wf.Permissions["pull-requests"] != "write" || len(wf.Jobs) != 1 {
		t.Fatalf("github-workflow.yml: on %v, permissions %v, %d jobs", wf.On, wf.Permissions, len(wf.Jobs))
	}
	installScript(t, dir)
	summary, output := filepath.Join(t.TempDir(), "summary"), filepath.Join(t.TempDir(), "output")
	env = withECC(t, append(env, "GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output))
	for k, v := range wf.Env {
		if k == "SITES" {
			v = sites // the one line a fleet repository edits
		}
		env = append(env, k+"="+v)
	}
	var out bytes.Buffer
	outputs := map[string]map[string]string{}
	var comment, ran []string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch m := ghHashFiles.FindStringSubmatch(s.If); {
			case s.If == "":
			case m != nil:
				if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
					continue
				}
			case ghOutputNe.MatchString(s.If):
				m := ghOutputNe.FindStringSubmatch(s.If)
				if outputs[m[1]][m[2]] == m[3] {
					continue
				}
			default:
				t.Fatalf("step %q: condition %q not understood by the test", s.Name, s.If)
			}
			ran = append(ran, s.Name+s.Uses)
			switch {
			case strings.HasPrefix(s.Uses, "marocchino/sticky-pull-request-comment@"):
				data, err := os.ReadFile(filepath.Join(dir, s.With["path"]))
				if err != nil || s.With["header"] == "" {
					t.Fatalf("comment step: header %q, %v", s.With["header"], err)
				}
				comment = append(comment, string(data))
			case s.Uses != "":
				// checkout, setup-go: the test's clone and toolchain
			case strings.Contains(s.Run, "go install"):
				// the binary under test is on PATH
			default:
				os.WriteFile(output, nil, 0o644)
				if code := bashStep(t, dir, env, s.Run, &out); code != 0 {
					return out.String(), code // the job fails at this step
				}
				outputs[s.ID] = readGitHubOutput(t, output)
			}
		}
	}
	// The job passed: one plan comment, the status as the summary.
	if len(comment) != 1 || outputs["review"]["exitcode"] != "0" {
		t.Errorf("steps run %q, outputs %v, %d comments", ran, outputs, len(comment))
	}
	data, _ := os.ReadFile(summary)
	status, _ := os.ReadFile(filepath.Join(dir, "review", "status.md"))
	if !bytes.Equal(data, status) {
		t.Errorf("job summary %q, want status.md %q", data, status)
	}
	return out.String(), 0
}

// readGitHubOutput reads NAME=VALUE lines written to $GITHUB_OUTPUT.
func readGitHubOutput(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

type glJob struct {
	Image        string            `yaml:"image"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Artifacts    struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

func runGitLabJob(t *testing.T, dir, sites string, env []string) (string, int) {
	var jobs map[string]glJob
	if err := yaml.Unmarshal(kitFile(t, "gitlab-ci.yml"), &jobs); err != nil {
		t.Fatalf("gitlab-ci.yml: %v", err)
	}
	job, ok := jobs["ecc-review"]
	if !ok || job.Artifacts.When != "always" || len(job.Artifacts.Paths) != 1 || job.Artifacts.Paths[0] != "review/" {
		t.Fatalf("gitlab-ci.yml: %+v", jobs)
	}
	installScript(t, dir)
	env = withECC(t, env)
	for k, v := range job.Variables {
		if k == "SITES" {
			v = sites
		}
		env = append(env, k+"="+v)
	}
	// The runner runs before_script and script as one shell script; the
	// lines that install ecc are the test's binary on PATH.
	var lines []string
	for _, l := range append(job.BeforeScript, job.Script...) {
		if !strings.Contains(l, "go install") && !strings.Contains(l, "apt-get") {
			lines = append(lines, l)
		}
	}
	var out bytes.Buffer
	code := bashStep(t, dir, env, strings.Join(lines, "\n"), &out)
	return out.String(), code
}
