Feature: Suspension-aware applications
  Since version 1.1 an application can declare itself suspension-aware. Its leases
  through an expired client are reported LEASE_SUSPENDED instead of LEASE_LOST.
  Since version 1.5 no lease is revoked when the client comes back, and every
  application is told the lease's current state.

  Background:
    Given a client "c1"
    And a suspension-aware application "billing"
    And an application "search"
    And "billing" holds lease "b1" through client "c1"
    And "search" holds lease "s1" through client "c1"

  Scenario: Leases of an expired client are suspended for aware applications and lost for the others
    When client "c1" is partitioned from the server for 100s
    Then "billing" receives these notifications:
      | lease | state           | reason                | source        | at  |
      | b1    | LEASE_SUSPENDED | REASON_CLIENT_EXPIRED | SOURCE_SERVER | 90s |
    And "search" receives these notifications:
      | lease | state      | reason                | source        | at  |
      | s1    | LEASE_LOST | REASON_CLIENT_EXPIRED | SOURCE_SERVER | 90s |
    And "billing" is told that client "c1" is lost
    And "search" is told that client "c1" is lost

  Scenario: Leases come back held for every application when the client returns
    When client "c1" is partitioned from the server for 100s
    And client "c1" reconnects
    Then "billing" receives LEASE_HELD for lease "b1" with reason REASON_CLIENT_RECONNECTED
    And "search" receives LEASE_HELD for lease "s1" with reason REASON_CLIENT_RECONNECTED
    And client "c1" still holds lease "b1"
    And client "c1" still holds lease "s1"

  Scenario Outline: Version <version> <fate> plain leases when their client returns
    Given the server runs version <version>
    When client "c1" is partitioned from the server for 100s
    And client "c1" reconnects
    Then client "c1" <still holds> lease "s1"

    Examples:
      | version | fate    | still holds     |
      | 1.4     | revokes | no longer holds |
      | 1.5     | keeps   | still holds     |
