# Nomad job for anthropic-runtime (rendered by `nx g janus:runtime anthropic`), with the runtime spec's limits.
# Run the image by digest, as docker-build recorded it:
#   nomad job run -var "image=$(node -p "const m = require('./dist/docker/anthropic-runtime/metadata.json'); m.image + '@' + m.indexDigest")" anthropic-runtime.nomad.hcl
variable "image" {
  type        = string
  description = "The anthropic-runtime image by digest (repository@sha256:…)"
}

job "anthropic-runtime" {
  type = "batch"

  group "active" {
    count = 0

    task "anthropic-runtime" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image = var.image
      }

      env {
        PROVIDER  = "anthropic"
        WARM_POOL = "false"
      }

      resources {
        cpu    = 500
        memory = 512

        network {
          mbits = 10
        }
      }
    }
  }

  group "warm-pool" {
    count = 1

    task "anthropic-runtime" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image = var.image
      }

      env {
        PROVIDER  = "anthropic"
        WARM_POOL = "true"
      }

      resources {
        cpu    = 100
        memory = 256

        network {
          mbits = 5
        }
      }
    }
  }
}
