package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJenkinsDeclarative(t *testing.T) {
	const p = "ci/release.Jenkinsfile"
	s := Parse(treeOf(map[string]string{p: `@Library('pipeline-lib@v2.3.1') _
@Library(['common@main', 'tools']) import org.acme.Tools

pipeline {
  agent {
    docker {
      image 'maven:3.9-eclipse-temurin-21'
      args '-v $HOME/.m2:/root/.m2'
    }
  }
  stages {
    stage('single') {
      steps {
        sh 'mvn -B verify'
        sh "echo ${env.BRANCH_NAME}"
      }
    }
    stage("triple") {
      steps {
        sh '''
          set -eu
          mvn -B deploy
        '''
        sh """
          cosign sign --yes "${IMAGE}"
        """
        sh(script: 'syft . -o json', returnStdout: true)
        sh label: 'scan', script: "trivy fs ."
        bat 'gradlew.bat build'
      }
    }
  }
}
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != Jenkins || f.Kind != Jenkinsfile {
		t.Fatalf("file = %+v", f)
	}
	if f.Flavor != "declarative" {
		t.Errorf("flavor = %q", f.Flavor)
	}
	if diff := cmp.Diff([]string{p + ":1 pipeline-lib v2.3.1", p + ":2 common main", p + ":2 tools "}, libs(f)); diff != "" {
		t.Errorf("libraries (-want +got):\n%s", diff)
	}
	j := job(t, s, p, "jenkinsfile")
	if diff := cmp.Diff([]string{p + ":7 image maven:3.9-eclipse-temurin-21"}, images(j)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	want := []string{
		p + ":14 mvn -B verify",
		p + ":15 echo ${env.BRANCH_NAME}",
		p + ":21 set -eu",
		p + ":22 mvn -B deploy",
		p + ":25 cosign sign --yes ${IMAGE}",
		p + ":27 syft . -o json",
		p + ":28 trivy fs .",
		p + ":29 gradlew.bat build",
	}
	if diff := cmp.Diff(want, commands(j)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	var stages, shells []string
	for _, st := range j.Steps {
		stages = append(stages, st.Name)
		shells = append(shells, st.Run.Shell)
	}
	if diff := cmp.Diff([]string{"single", "single", "triple", "triple", "triple", "triple", "triple"}, stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sh", "sh", "sh", "sh", "sh", "sh", "bat"}, shells); diff != "" {
		t.Errorf("shells (-want +got):\n%s", diff)
	}
}

func TestJenkinsScripted(t *testing.T) {
	const p = "Jenkinsfile"
	s := Parse(treeOf(map[string]string{p: `// a scripted pipeline
library identifier: 'shared@0123456789abcdef0123456789abcdef01234567', retriever: modernSCM([$class: 'GitSCMSource'])
def img = 'alpine:3.20' // not an image step
timestamps {
  node('linux && docker') {
    stage('Build') {
      docker.image('golang:1.23').inside('-u root') {
        sh 'go build ./...'
      }
    }
    stage('Deploy') {
      withDockerContainer('bitnami/kubectl:1.31') {
        sh """kubectl apply -f k8s/ \
          --dry-run=server"""
      }
    }
    /* sh 'never run' */
    echo "sh 'not a step either'"
  }
}
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" {
		t.Fatalf("file = %+v", f)
	}
	if f.Flavor != "scripted" {
		t.Errorf("flavor = %q", f.Flavor)
	}
	if diff := cmp.Diff([]string{p + ":2 shared 0123456789abcdef0123456789abcdef01234567"}, libs(f)); diff != "" {
		t.Errorf("libraries (-want +got):\n%s", diff)
	}
	j := job(t, s, p, "jenkinsfile")
	if diff := cmp.Diff([]string{p + ":7 image golang:1.23", p + ":12 image bitnami/kubectl:1.31"}, images(j)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + ":8 go build ./...", p + ":13 kubectl apply -f k8s/ --dry-run=server"}, commands(j)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if j.Steps[0].Name != "Build" || j.Steps[1].Name != "Deploy" {
		t.Errorf("stages = %q, %q", j.Steps[0].Name, j.Steps[1].Name)
	}
	// `agent { docker 'image' }`, the short form; a pipeline block that is
	// not at the top level does not make a file declarative.
	s = Parse(treeOf(map[string]string{"a.Jenkinsfile": "pipeline {\n  agent { docker 'node:20' }\n  stages { stage('t') { steps { sh 'npm ci' } } }\n}\n",
		"Jenkinsfile.lib": "def call() { pipeline { } }\n"}))
	if f := s.File("a.Jenkinsfile"); f.Flavor != "declarative" || len(f.Jobs[0].Images) != 1 || f.Jobs[0].Images[0].Ref != "node:20" || f.Jobs[0].Images[0].Line != 2 {
		t.Errorf("short docker agent: flavor %q, images %+v", f.Flavor, f.Jobs[0].Images)
	}
	if f := s.File("Jenkinsfile.lib"); f == nil || f.Flavor != "" {
		t.Errorf("Jenkinsfile.lib = %+v", f)
	}
}

func TestCorpusJenkinsFlavor(t *testing.T) {
	cases := []struct{ repo, path, flavor string }{
		{"apache/zookeeper", "Jenkinsfile", "declarative"},
		{"apache/zookeeper", "Jenkinsfile-s390x", "declarative"},
		{"jenkinsci/jenkins", "Jenkinsfile", "scripted"},
		{"jenkinsci/docker", "Jenkinsfile", "scripted"},
		// Only a call of the shared library's buildPlugin step.
		{"jenkinsci/git-plugin", "Jenkinsfile", ""},
	}
	for _, c := range cases {
		s := repoSet(t, c.repo, map[string]string{c.path: "ci/" + c.path + ".Jenkinsfile"})
		f := s.File("ci/" + c.path + ".Jenkinsfile")
		if f == nil || f.Problem != "" || f.Flavor != c.flavor {
			t.Errorf("%s %s: %+v, want flavor %q", c.repo, c.path, f, c.flavor)
		}
	}
}
