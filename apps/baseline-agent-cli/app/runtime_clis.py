"""The agent CLIs Janus runtimes carry (`nx g janus:runtime`), each as it runs unattended, the prompt appended.
Rendered from the plugin's provider table, so the flags are the ones the runtime images are built and tested with."""
RUNTIME_CLIS = [
    ["codex","exec","--skip-git-repo-check","--dangerously-bypass-approvals-and-sandbox"],
    ["claude","-p","--dangerously-skip-permissions"],
    ["gemini","--yolo","-p"],
]
