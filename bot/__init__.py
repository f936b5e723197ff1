"""The core of Trygghetslarm-boten: domain, services and storage, free of HTTP and channel details."""
