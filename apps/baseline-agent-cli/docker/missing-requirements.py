"""Prints the requirements in pyproject.toml that the current environment does not already satisfy.

The image's builder runs pip only for these: where the base image already carries every dependency (as
Debian-built bases do) nothing is installed and pip, slow to start under emulation, is not run at all.
"""
import importlib.metadata
import sys
import tomllib

from pip._vendor.packaging.requirements import Requirement


def missing(requirements):
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            yield line
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            yield line


if __name__ == "__main__":
    with open(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"].get("dependencies", [])
    for line in missing(dependencies):
        print(line)
