package setrunas

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/unbake/unbake/fnconfigs"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// evaluator is the Pod Security Standards evaluator the API server's admission uses.
var evaluator = sync.OnceValues(func() (policy.Evaluator, error) {
	return policy.NewEvaluator(policy.DefaultChecks(), nil)
})

// levels maps the profiles that are checked to their Pod Security Standards level.
var levels = map[string]api.Level{
	fnconfigs.ProfileBaseline:   api.LevelBaseline,
	fnconfigs.ProfileRestricted: api.LevelRestricted,
}

// violations evaluates a pod template (or a Pod) at level, latest version, and returns
// the checks it fails. The typed pod is read for the evaluation only.
func violations(template *yaml.RNode, level api.Level) ([]policy.CheckResult, error) {
	data, err := podJSON(template)
	if err != nil {
		return nil, err
	}
	var pod struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     corev1.PodSpec    `json:"spec"`
	}
	if err := json.Unmarshal(data, &pod); err != nil {
		return nil, err
	}
	e, err := evaluator()
	if err != nil {
		return nil, err
	}
	var failed []policy.CheckResult
	for _, r := range e.EvaluatePod(api.LevelVersion{Level: level, Version: api.LatestVersion()}, &pod.Metadata, &pod.Spec) {
		if !r.Allowed {
			failed = append(failed, r)
		}
	}
	return failed, nil
}

// checkPodSecurity reports every check of the profile's level the resulting pod still
// fails, worded as the API server's admission words it.
func (p *pass) checkPodSecurity() error {
	level, checked := levels[p.cfg.Spec.Profile]
	if !checked {
		return nil
	}
	failed, err := violations(p.w.Template, level)
	if err != nil {
		return fmt.Errorf("reading the pod template of %s for the Pod Security check: %w", p.w.Item.GetName(), err)
	}
	for _, r := range failed {
		detail := r.ForbiddenReason
		if r.ForbiddenDetail != "" {
			detail += " (" + r.ForbiddenDetail + ")"
		}
		p.Errorf(p.fieldOf(""), "violates PodSecurity %q: %s; set-runas does not change this: fix it in the manifest, or choose a lower spec.profile",
			string(level)+":latest", detail)
	}
	return nil
}
