Feature: Leases
  A holder keeps its lease by renewing it before it expires. Cut off, it loses the
  lease one full lease length after its last renewal.

  Background:
    Given a lease of 10s
    And the holder renews every 3s

  Scenario: A holder that keeps renewing keeps its lease
    When 1m passes
    Then the lease is held

  Scenario: A holder cut off loses its lease one lease length after its last renewal
    When 7s pass
    And the holder is cut off
    And 20s pass
    Then the lease expired at 16s
