"""Sample inputs (deals, meetings, tenders) shipped with bidgen: the README quick start and `bidgen init` use them."""
