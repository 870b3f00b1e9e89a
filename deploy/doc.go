// Package deploy holds no code: its tests check Albatross's artefacts, the
// ones a person installs from rather than the program itself. They build the
// release binaries and check they are reproducible and complete, parse the
// Dockerfile with BuildKit's parser, load the compose files with
// compose-go, and render the Helm chart (deploy/helm/albatross) with Helm's
// SDK, decoding every object strictly into the Kubernetes API types. Their
// heavy dependencies stay out of every other package's build.
package deploy
