"""Grouping of clients into groups: FedAvg-IC's IID/communication-aware k-medoids and
TornadoAggregate's balanced k-medoids on label histograms. Pure numpy; no training here."""
