Feature: Expired sessions before lease suspension (version 1.0)
  Up to version 1.0 a client that misses its pings has its session expired: its
  leases are reported LEASE_LOST, and when it comes back it is told to close its
  session, which releases every lease it held.

  Background:
    Given the server runs version 1.0
    And a client "c1"
    And an application "billing"
    And "billing" holds 2 leases through client "c1"

  Scenario: Client reconnecting after 80s is closed for plain applications
    When the next ping to client "c1" is due
    And client "c1" is partitioned from the server for 80s
    Then "billing" receives LEASE_LOST for every lease through client "c1"
    And "billing" is told that client "c1" is lost
    When client "c1" reconnects
    Then client "c1" is told to close its session with "Client attempted to resume an expired session"
    And client "c1" holds no leases

  Scenario: Client reconnecting after 60s keeps its leases
    When the next ping to client "c1" is due
    And client "c1" is partitioned from the server for 60s
    And client "c1" reconnects
    Then "billing" receives no notifications
    And client "c1" still holds lease "billing-1"
