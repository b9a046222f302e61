// ISUP parameter name codes, Q.763 Table 5 (ITU-T) and the ANSI T1.113.3 codes the gateway meets.
// A code missing here is still carried: the codec keeps unknown parameters as bytes.
#pragma once

#include <cstdint>

namespace mgc::isup {

// X(enum name, code, json name, Q.763 clause)
#define MGC_ISUP_PARAMETER_CODES(X)                                                                \
  X(EndOfOptionalParameters, 0x00, "end_of_optional_parameters", "3.20")                           \
  X(CallReference, 0x01, "call_reference", "3.8")                                                  \
  X(TransmissionMediumRequirement, 0x02, "transmission_medium_requirement", "3.54")                \
  X(AccessTransport, 0x03, "access_transport", "3.3")                                              \
  X(CalledPartyNumber, 0x04, "called_party_number", "3.9")                                         \
  X(SubsequentNumber, 0x05, "subsequent_number", "3.51")                                           \
  X(NatureOfConnectionIndicators, 0x06, "nature_of_connection_indicators", "3.35")                 \
  X(ForwardCallIndicators, 0x07, "forward_call_indicators", "3.23")                                \
  X(OptionalForwardCallIndicators, 0x08, "optional_forward_call_indicators", "3.38")               \
  X(CallingPartysCategory, 0x09, "calling_partys_category", "3.11")                                \
  X(CallingPartyNumber, 0x0a, "calling_party_number", "3.10")                                      \
  X(RedirectingNumber, 0x0b, "redirecting_number", "3.44")                                         \
  X(RedirectionNumber, 0x0c, "redirection_number", "3.46")                                         \
  X(ConnectionRequest, 0x0d, "connection_request", "3.17")                                         \
  X(InformationRequestIndicators, 0x0e, "information_request_indicators", "3.29")                  \
  X(InformationIndicators, 0x0f, "information_indicators", "3.28")                                 \
  X(ContinuityIndicators, 0x10, "continuity_indicators", "3.18")                                   \
  X(BackwardCallIndicators, 0x11, "backward_call_indicators", "3.5")                               \
  X(CauseIndicators, 0x12, "cause_indicators", "3.12")                                             \
  X(RedirectionInformation, 0x13, "redirection_information", "3.45")                               \
  X(CircuitGroupSupervisionMessageType, 0x15, "circuit_group_supervision_message_type", "3.13")    \
  X(RangeAndStatus, 0x16, "range_and_status", "3.43")                                              \
  X(FacilityIndicator, 0x18, "facility_indicator", "3.22")                                         \
  X(ClosedUserGroupInterlockCode, 0x1a, "closed_user_group_interlock_code", "3.15")                \
  X(UserServiceInformation, 0x1d, "user_service_information", "3.57")                              \
  X(SignallingPointCode, 0x1e, "signalling_point_code", "3.50")                                    \
  X(UserToUserInformation, 0x20, "user_to_user_information", "3.61")                               \
  X(ConnectedNumber, 0x21, "connected_number", "3.16")                                             \
  X(SuspendResumeIndicators, 0x22, "suspend_resume_indicators", "3.52")                            \
  X(TransitNetworkSelection, 0x23, "transit_network_selection", "3.53")                            \
  X(EventInformation, 0x24, "event_information", "3.21")                                           \
  X(CircuitAssignmentMap, 0x25, "circuit_assignment_map", "3.69")                                  \
  X(CircuitStateIndicator, 0x26, "circuit_state_indicator", "3.14")                                \
  X(AutomaticCongestionLevel, 0x27, "automatic_congestion_level", "3.4")                           \
  X(OriginalCalledNumber, 0x28, "original_called_number", "3.39")                                  \
  X(OptionalBackwardCallIndicators, 0x29, "optional_backward_call_indicators", "3.37")             \
  X(UserToUserIndicators, 0x2a, "user_to_user_indicators", "3.60")                                 \
  X(OriginationIscPointCode, 0x2b, "origination_isc_point_code", "3.40")                           \
  X(GenericNotificationIndicator, 0x2c, "generic_notification_indicator", "3.25")                  \
  X(CallHistoryInformation, 0x2d, "call_history_information", "3.7")                               \
  X(AccessDeliveryInformation, 0x2e, "access_delivery_information", "3.2")                         \
  X(NetworkSpecificFacility, 0x2f, "network_specific_facility", "3.36")                            \
  X(UserServiceInformationPrime, 0x30, "user_service_information_prime", "3.58")                   \
  X(PropagationDelayCounter, 0x31, "propagation_delay_counter", "3.42")                            \
  X(RemoteOperations, 0x32, "remote_operations", "3.48")                                           \
  X(ServiceActivation, 0x33, "service_activation", "3.49")                                         \
  X(UserTeleserviceInformation, 0x34, "user_teleservice_information", "3.59")                      \
  X(TransmissionMediumUsed, 0x35, "transmission_medium_used", "3.56")                              \
  X(CallDiversionInformation, 0x36, "call_diversion_information", "3.6")                           \
  X(EchoControlInformation, 0x37, "echo_control_information", "3.19")                              \
  X(MessageCompatibilityInformation, 0x38, "message_compatibility_information", "3.33")            \
  X(ParameterCompatibilityInformation, 0x39, "parameter_compatibility_information", "3.41")        \
  X(MlppPrecedence, 0x3a, "mlpp_precedence", "3.34")                                               \
  X(McidRequestIndicators, 0x3b, "mcid_request_indicators", "3.31")                                \
  X(McidResponseIndicators, 0x3c, "mcid_response_indicators", "3.32")                             \
  X(HopCounter, 0x3d, "hop_counter", "3.80")                                                       \
  X(TransmissionMediumRequirementPrime, 0x3e, "transmission_medium_requirement_prime", "3.55")     \
  X(LocationNumber, 0x3f, "location_number", "3.30")                                               \
  X(RedirectionNumberRestriction, 0x40, "redirection_number_restriction", "3.47")                  \
  X(CallTransferReference, 0x43, "call_transfer_reference", "3.65")                                \
  X(LoopPreventionIndicators, 0x44, "loop_prevention_indicators", "3.67")                          \
  X(CallTransferNumber, 0x45, "call_transfer_number", "3.64")                                      \
  X(Ccss, 0x4b, "ccss", "3.63")                                                                    \
  X(ForwardGvns, 0x4c, "forward_gvns", "3.66")                                                     \
  X(BackwardGvns, 0x4d, "backward_gvns", "3.62")                                                   \
  X(RedirectCapability, 0x4e, "redirect_capability", "3.96")                                       \
  X(NetworkManagementControls, 0x5b, "network_management_controls", "3.68")                        \
  X(CorrelationId, 0x65, "correlation_id", "3.70")                                                 \
  X(ScfId, 0x66, "scf_id", "3.71")                                                                 \
  X(CallDiversionTreatmentIndicators, 0x6e, "call_diversion_treatment_indicators", "3.72")        \
  X(CalledInNumber, 0x6f, "called_in_number", "3.73")                                              \
  X(CallOfferingTreatmentIndicators, 0x70, "call_offering_treatment_indicators", "3.74")           \
  X(ChargedPartyIdentification, 0x71, "charged_party_identification", "3.75")                      \
  X(ConferenceTreatmentIndicators, 0x72, "conference_treatment_indicators", "3.76")               \
  X(DisplayInformation, 0x73, "display_information", "3.77")                                       \
  X(UidActionIndicators, 0x74, "uid_action_indicators", "3.78")                                    \
  X(UidCapabilityIndicators, 0x75, "uid_capability_indicators", "3.79")                            \
  X(RedirectCounter, 0x77, "redirect_counter", "3.97")                                             \
  X(ApplicationTransport, 0x78, "application_transport", "3.82")                                   \
  X(CollectCallRequest, 0x79, "collect_call_request", "3.81")                                      \
  X(CcnrPossibleIndicator, 0x7a, "ccnr_possible_indicator", "3.83")                                \
  X(PivotCapability, 0x7b, "pivot_capability", "3.84")                                             \
  X(PivotRoutingIndicators, 0x7c, "pivot_routing_indicators", "3.85")                              \
  X(CalledDirectoryNumber, 0x7d, "called_directory_number", "3.86")                                \
  X(OriginalCalledInNumber, 0x7f, "original_called_in_number", "3.87")                             \
  X(CallingGeodeticLocation, 0x81, "calling_geodetic_location", "3.88")                            \
  X(HtrInformation, 0x82, "htr_information", "3.89")                                               \
  X(NetworkRoutingNumber, 0x84, "network_routing_number", "3.90")                                  \
  X(QueryOnReleaseCapability, 0x85, "query_on_release_capability", "3.91")                         \
  X(PivotStatus, 0x86, "pivot_status", "3.92")                                                     \
  X(PivotCounter, 0x87, "pivot_counter", "3.93")                                                   \
  X(PivotRoutingForwardInformation, 0x88, "pivot_routing_forward_information", "3.94")             \
  X(PivotRoutingBackwardInformation, 0x89, "pivot_routing_backward_information", "3.95")           \
  X(RedirectStatus, 0x8a, "redirect_status", "3.98")                                               \
  X(RedirectForwardInformation, 0x8b, "redirect_forward_information", "3.99")                      \
  X(RedirectBackwardInformation, 0x8c, "redirect_backward_information", "3.100")                   \
  X(NumberPortabilityForwardInformation, 0x8d, "number_portability_forward_information", "3.101") \
  X(GenericNumber, 0xc0, "generic_number", "3.26")                                                 \
  X(GenericDigits, 0xc1, "generic_digits", "3.24")                                                 \
  X(JurisdictionInformation, 0xc4, "jurisdiction_information", "ANSI T1.113.3 3.31A")              \
  X(GenericName, 0xc7, "generic_name", "ANSI T1.113.3 3.26A")                                      \
  X(OriginatingLineInformation, 0xea, "originating_line_information", "ANSI T1.113.3 3.36A")      \
  X(ChargeNumber, 0xeb, "charge_number", "ANSI T1.113.3 3.10A")

enum class ParameterCode : uint8_t {
#define MGC_ISUP_PC_ENUM_(e, code, json, clause) e = code,
  MGC_ISUP_PARAMETER_CODES(MGC_ISUP_PC_ENUM_)
#undef MGC_ISUP_PC_ENUM_
};

} // namespace mgc::isup
