"""One exception class per PostgreSQL SQLSTATE, as psycopg's `errors` module has: the DB-API
raises the most specific one (`except orbitdb.errors.UniqueViolation`), each a subclass of its
PEP 249 class (IntegrityError...). lookup(sqlstate) gives the class of a code.

Generated from orbitdb/sqlstates.py by `python orbitdb/sqlstates.py`: do not edit."""

from __future__ import annotations

from orbitdb.exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    QueryCanceledError,
    TransactionRollbackError,
)


class NoData(DatabaseError):
    sqlstate = "02000"


class NoAdditionalDynamicResultSetsReturned(DatabaseError):
    sqlstate = "02001"


class SqlStatementNotYetComplete(DatabaseError):
    sqlstate = "03000"


class ConnectionException(OperationalError):
    sqlstate = "08000"


class ConnectionDoesNotExist(OperationalError):
    sqlstate = "08003"


class ConnectionFailure(OperationalError):
    sqlstate = "08006"


class SqlclientUnableToEstablishSqlconnection(OperationalError):
    sqlstate = "08001"


class SqlserverRejectedEstablishmentOfSqlconnection(OperationalError):
    sqlstate = "08004"


class TransactionResolutionUnknown(OperationalError):
    sqlstate = "08007"


class ProtocolViolation(OperationalError):
    sqlstate = "08P01"


class TriggeredActionException(DatabaseError):
    sqlstate = "09000"


class FeatureNotSupported(NotSupportedError):
    sqlstate = "0A000"


class InvalidTransactionInitiation(DatabaseError):
    sqlstate = "0B000"


class LocatorException(DatabaseError):
    sqlstate = "0F000"


class InvalidLocatorSpecification(DatabaseError):
    sqlstate = "0F001"


class InvalidGrantor(DatabaseError):
    sqlstate = "0L000"


class InvalidGrantOperation(DatabaseError):
    sqlstate = "0LP01"


class InvalidRoleSpecification(DatabaseError):
    sqlstate = "0P000"


class DiagnosticsException(DatabaseError):
    sqlstate = "0Z000"


class StackedDiagnosticsAccessedWithoutActiveHandler(DatabaseError):
    sqlstate = "0Z002"


class CaseNotFound(ProgrammingError):
    sqlstate = "20000"


class CardinalityViolation(ProgrammingError):
    sqlstate = "21000"


class DataException(DataError):
    sqlstate = "22000"


class ArraySubscriptError(DataError):
    sqlstate = "2202E"


class CharacterNotInRepertoire(DataError):
    sqlstate = "22021"


class DatetimeFieldOverflow(DataError):
    sqlstate = "22008"


class DivisionByZero(DataError):
    sqlstate = "22012"


class ErrorInAssignment(DataError):
    sqlstate = "22005"


class EscapeCharacterConflict(DataError):
    sqlstate = "2200B"


class IndicatorOverflow(DataError):
    sqlstate = "22022"


class IntervalFieldOverflow(DataError):
    sqlstate = "22015"


class InvalidArgumentForLogarithm(DataError):
    sqlstate = "2201E"


class InvalidArgumentForNtileFunction(DataError):
    sqlstate = "22014"


class InvalidArgumentForNthValueFunction(DataError):
    sqlstate = "22016"


class InvalidArgumentForPowerFunction(DataError):
    sqlstate = "2201F"


class InvalidArgumentForWidthBucketFunction(DataError):
    sqlstate = "2201G"


class InvalidCharacterValueForCast(DataError):
    sqlstate = "22018"


class InvalidDatetimeFormat(DataError):
    sqlstate = "22007"


class InvalidEscapeCharacter(DataError):
    sqlstate = "22019"


class InvalidEscapeOctet(DataError):
    sqlstate = "2200D"


class InvalidEscapeSequence(DataError):
    sqlstate = "22025"


class NonstandardUseOfEscapeCharacter(DataError):
    sqlstate = "22P06"


class InvalidIndicatorParameterValue(DataError):
    sqlstate = "22010"


class InvalidParameterValue(DataError):
    sqlstate = "22023"


class InvalidPrecedingOrFollowingSize(DataError):
    sqlstate = "22013"


class InvalidRegularExpression(DataError):
    sqlstate = "2201B"


class InvalidRowCountInLimitClause(DataError):
    sqlstate = "2201W"


class InvalidRowCountInResultOffsetClause(DataError):
    sqlstate = "2201X"


class InvalidTablesampleArgument(DataError):
    sqlstate = "2202H"


class InvalidTablesampleRepeat(DataError):
    sqlstate = "2202G"


class InvalidTimeZoneDisplacementValue(DataError):
    sqlstate = "22009"


class InvalidUseOfEscapeCharacter(DataError):
    sqlstate = "2200C"


class MostSpecificTypeMismatch(DataError):
    sqlstate = "2200G"


class NullValueNotAllowed(DataError):
    sqlstate = "22004"


class NullValueNoIndicatorParameter(DataError):
    sqlstate = "22002"


class NumericValueOutOfRange(DataError):
    sqlstate = "22003"


class SequenceGeneratorLimitExceeded(DataError):
    sqlstate = "2200H"


class StringDataLengthMismatch(DataError):
    sqlstate = "22026"


class StringDataRightTruncation(DataError):
    sqlstate = "22001"


class SubstringError(DataError):
    sqlstate = "22011"


class TrimError(DataError):
    sqlstate = "22027"


class UnterminatedCString(DataError):
    sqlstate = "22024"


class ZeroLengthCharacterString(DataError):
    sqlstate = "2200F"


class FloatingPointException(DataError):
    sqlstate = "22P01"


class InvalidTextRepresentation(DataError):
    sqlstate = "22P02"


class InvalidBinaryRepresentation(DataError):
    sqlstate = "22P03"


class BadCopyFileFormat(DataError):
    sqlstate = "22P04"


class UntranslatableCharacter(DataError):
    sqlstate = "22P05"


class NotAnXmlDocument(DataError):
    sqlstate = "2200L"


class InvalidXmlDocument(DataError):
    sqlstate = "2200M"


class InvalidXmlContent(DataError):
    sqlstate = "2200N"


class InvalidXmlComment(DataError):
    sqlstate = "2200S"


class InvalidXmlProcessingInstruction(DataError):
    sqlstate = "2200T"


class DuplicateJsonObjectKeyValue(DataError):
    sqlstate = "22030"


class InvalidArgumentForSqlJsonDatetimeFunction(DataError):
    sqlstate = "22031"


class InvalidJsonText(DataError):
    sqlstate = "22032"


class InvalidSqlJsonSubscript(DataError):
    sqlstate = "22033"


class MoreThanOneSqlJsonItem(DataError):
    sqlstate = "22034"


class NoSqlJsonItem(DataError):
    sqlstate = "22035"


class NonNumericSqlJsonItem(DataError):
    sqlstate = "22036"


class NonUniqueKeysInAJsonObject(DataError):
    sqlstate = "22037"


class SingletonSqlJsonItemRequired(DataError):
    sqlstate = "22038"


class SqlJsonArrayNotFound(DataError):
    sqlstate = "22039"


class SqlJsonMemberNotFound(DataError):
    sqlstate = "2203A"


class SqlJsonNumberNotFound(DataError):
    sqlstate = "2203B"


class SqlJsonObjectNotFound(DataError):
    sqlstate = "2203C"


class TooManyJsonArrayElements(DataError):
    sqlstate = "2203D"


class TooManyJsonObjectMembers(DataError):
    sqlstate = "2203E"


class SqlJsonScalarRequired(DataError):
    sqlstate = "2203F"


class SqlJsonItemCannotBeCastToTargetType(DataError):
    sqlstate = "2203G"


class IntegrityConstraintViolation(IntegrityError):
    sqlstate = "23000"


class RestrictViolation(IntegrityError):
    sqlstate = "23001"


class NotNullViolation(IntegrityError):
    sqlstate = "23502"


class ForeignKeyViolation(IntegrityError):
    sqlstate = "23503"


class UniqueViolation(IntegrityError):
    sqlstate = "23505"


class CheckViolation(IntegrityError):
    sqlstate = "23514"


class ExclusionViolation(IntegrityError):
    sqlstate = "23P01"


class InvalidCursorState(InternalError):
    sqlstate = "24000"


class InvalidTransactionState(InternalError):
    sqlstate = "25000"


class ActiveSqlTransaction(InternalError):
    sqlstate = "25001"


class BranchTransactionAlreadyActive(InternalError):
    sqlstate = "25002"


class HeldCursorRequiresSameIsolationLevel(InternalError):
    sqlstate = "25008"


class InappropriateAccessModeForBranchTransaction(InternalError):
    sqlstate = "25003"


class InappropriateIsolationLevelForBranchTransaction(InternalError):
    sqlstate = "25004"


class NoActiveSqlTransactionForBranchTransaction(InternalError):
    sqlstate = "25005"


class ReadOnlySqlTransaction(InternalError):
    sqlstate = "25006"


class SchemaAndDataStatementMixingNotSupported(InternalError):
    sqlstate = "25007"


class NoActiveSqlTransaction(InternalError):
    sqlstate = "25P01"


class InFailedSqlTransaction(InternalError):
    sqlstate = "25P02"


class IdleInTransactionSessionTimeout(InternalError):
    sqlstate = "25P03"


class InvalidSqlStatementName(OperationalError):
    sqlstate = "26000"


class TriggeredDataChangeViolation(OperationalError):
    sqlstate = "27000"


class InvalidAuthorizationSpecification(OperationalError):
    sqlstate = "28000"


class InvalidPassword(OperationalError):
    sqlstate = "28P01"


class DependentPrivilegeDescriptorsStillExist(InternalError):
    sqlstate = "2B000"


class DependentObjectsStillExist(InternalError):
    sqlstate = "2BP01"


class InvalidTransactionTermination(InternalError):
    sqlstate = "2D000"


class SqlRoutineException(InternalError):
    sqlstate = "2F000"


class FunctionExecutedNoReturnStatement(InternalError):
    sqlstate = "2F005"


class ModifyingSqlDataNotPermitted(InternalError):
    sqlstate = "2F002"


class ProhibitedSqlStatementAttempted(InternalError):
    sqlstate = "2F003"


class ReadingSqlDataNotPermitted(InternalError):
    sqlstate = "2F004"


class InvalidCursorName(OperationalError):
    sqlstate = "34000"


class ExternalRoutineException(InternalError):
    sqlstate = "38000"


class ContainingSqlNotPermitted(InternalError):
    sqlstate = "38001"


class ModifyingSqlDataNotPermittedExt(InternalError):
    sqlstate = "38002"


class ProhibitedSqlStatementAttemptedExt(InternalError):
    sqlstate = "38003"


class ReadingSqlDataNotPermittedExt(InternalError):
    sqlstate = "38004"


class ExternalRoutineInvocationException(InternalError):
    sqlstate = "39000"


class InvalidSqlstateReturned(InternalError):
    sqlstate = "39001"


class NullValueNotAllowedExt(InternalError):
    sqlstate = "39004"


class TriggerProtocolViolated(InternalError):
    sqlstate = "39P01"


class SrfProtocolViolated(InternalError):
    sqlstate = "39P02"


class EventTriggerProtocolViolated(InternalError):
    sqlstate = "39P03"


class SavepointException(InternalError):
    sqlstate = "3B000"


class InvalidSavepointSpecification(InternalError):
    sqlstate = "3B001"


class InvalidCatalogName(ProgrammingError):
    sqlstate = "3D000"


class InvalidSchemaName(ProgrammingError):
    sqlstate = "3F000"


class TransactionRollback(TransactionRollbackError):
    sqlstate = "40000"


class TransactionIntegrityConstraintViolation(TransactionRollbackError):
    sqlstate = "40002"


class SerializationFailure(TransactionRollbackError):
    sqlstate = "40001"


class StatementCompletionUnknown(TransactionRollbackError):
    sqlstate = "40003"


class DeadlockDetected(TransactionRollbackError):
    sqlstate = "40P01"


class SyntaxErrorOrAccessRuleViolation(ProgrammingError):
    sqlstate = "42000"


class SyntaxError(ProgrammingError):
    sqlstate = "42601"


class InsufficientPrivilege(ProgrammingError):
    sqlstate = "42501"


class CannotCoerce(ProgrammingError):
    sqlstate = "42846"


class GroupingError(ProgrammingError):
    sqlstate = "42803"


class WindowingError(ProgrammingError):
    sqlstate = "42P20"


class InvalidRecursion(ProgrammingError):
    sqlstate = "42P19"


class InvalidForeignKey(ProgrammingError):
    sqlstate = "42830"


class InvalidName(ProgrammingError):
    sqlstate = "42602"


class NameTooLong(ProgrammingError):
    sqlstate = "42622"


class ReservedName(ProgrammingError):
    sqlstate = "42939"


class DatatypeMismatch(ProgrammingError):
    sqlstate = "42804"


class IndeterminateDatatype(ProgrammingError):
    sqlstate = "42P18"


class CollationMismatch(ProgrammingError):
    sqlstate = "42P21"


class IndeterminateCollation(ProgrammingError):
    sqlstate = "42P22"


class WrongObjectType(ProgrammingError):
    sqlstate = "42809"


class GeneratedAlways(ProgrammingError):
    sqlstate = "428C9"


class UndefinedColumn(ProgrammingError):
    sqlstate = "42703"


class UndefinedFunction(ProgrammingError):
    sqlstate = "42883"


class UndefinedTable(ProgrammingError):
    sqlstate = "42P01"


class UndefinedParameter(ProgrammingError):
    sqlstate = "42P02"


class UndefinedObject(ProgrammingError):
    sqlstate = "42704"


class DuplicateColumn(ProgrammingError):
    sqlstate = "42701"


class DuplicateCursor(ProgrammingError):
    sqlstate = "42P03"


class DuplicateDatabase(ProgrammingError):
    sqlstate = "42P04"


class DuplicateFunction(ProgrammingError):
    sqlstate = "42723"


class DuplicatePreparedStatement(ProgrammingError):
    sqlstate = "42P05"


class DuplicateSchema(ProgrammingError):
    sqlstate = "42P06"


class DuplicateTable(ProgrammingError):
    sqlstate = "42P07"


class DuplicateAlias(ProgrammingError):
    sqlstate = "42712"


class DuplicateObject(ProgrammingError):
    sqlstate = "42710"


class AmbiguousColumn(ProgrammingError):
    sqlstate = "42702"


class AmbiguousFunction(ProgrammingError):
    sqlstate = "42725"


class AmbiguousParameter(ProgrammingError):
    sqlstate = "42P08"


class AmbiguousAlias(ProgrammingError):
    sqlstate = "42P09"


class InvalidColumnReference(ProgrammingError):
    sqlstate = "42P10"


class InvalidColumnDefinition(ProgrammingError):
    sqlstate = "42611"


class InvalidCursorDefinition(ProgrammingError):
    sqlstate = "42P11"


class InvalidDatabaseDefinition(ProgrammingError):
    sqlstate = "42P12"


class InvalidFunctionDefinition(ProgrammingError):
    sqlstate = "42P13"


class InvalidPreparedStatementDefinition(ProgrammingError):
    sqlstate = "42P14"


class InvalidSchemaDefinition(ProgrammingError):
    sqlstate = "42P15"


class InvalidTableDefinition(ProgrammingError):
    sqlstate = "42P16"


class InvalidObjectDefinition(ProgrammingError):
    sqlstate = "42P17"


class WithCheckOptionViolation(ProgrammingError):
    sqlstate = "44000"


class InsufficientResources(OperationalError):
    sqlstate = "53000"


class DiskFull(OperationalError):
    sqlstate = "53100"


class OutOfMemory(OperationalError):
    sqlstate = "53200"


class TooManyConnections(OperationalError):
    sqlstate = "53300"


class ConfigurationLimitExceeded(OperationalError):
    sqlstate = "53400"


class ProgramLimitExceeded(OperationalError):
    sqlstate = "54000"


class StatementTooComplex(OperationalError):
    sqlstate = "54001"


class TooManyColumns(OperationalError):
    sqlstate = "54011"


class TooManyArguments(OperationalError):
    sqlstate = "54023"


class ObjectNotInPrerequisiteState(OperationalError):
    sqlstate = "55000"


class ObjectInUse(OperationalError):
    sqlstate = "55006"


class CantChangeRuntimeParam(OperationalError):
    sqlstate = "55P02"


class LockNotAvailable(OperationalError):
    sqlstate = "55P03"


class UnsafeNewEnumValueUsage(OperationalError):
    sqlstate = "55P04"


class OperatorIntervention(OperationalError):
    sqlstate = "57000"


class QueryCanceled(QueryCanceledError):
    sqlstate = "57014"


class AdminShutdown(OperationalError):
    sqlstate = "57P01"


class CrashShutdown(OperationalError):
    sqlstate = "57P02"


class CannotConnectNow(OperationalError):
    sqlstate = "57P03"


class DatabaseDropped(OperationalError):
    sqlstate = "57P04"


class IdleSessionTimeout(OperationalError):
    sqlstate = "57P05"


class SystemError(OperationalError):
    sqlstate = "58000"


class IoError(OperationalError):
    sqlstate = "58030"


class UndefinedFile(OperationalError):
    sqlstate = "58P01"


class DuplicateFile(OperationalError):
    sqlstate = "58P02"


class SnapshotTooOld(DatabaseError):
    sqlstate = "72000"


class ConfigFileError(InternalError):
    sqlstate = "F0000"


class LockFileExists(InternalError):
    sqlstate = "F0001"


class FdwError(OperationalError):
    sqlstate = "HV000"


class FdwColumnNameNotFound(OperationalError):
    sqlstate = "HV005"


class FdwDynamicParameterValueNeeded(OperationalError):
    sqlstate = "HV002"


class FdwFunctionSequenceError(OperationalError):
    sqlstate = "HV010"


class FdwInconsistentDescriptorInformation(OperationalError):
    sqlstate = "HV021"


class FdwInvalidAttributeValue(OperationalError):
    sqlstate = "HV024"


class FdwInvalidColumnName(OperationalError):
    sqlstate = "HV007"


class FdwInvalidColumnNumber(OperationalError):
    sqlstate = "HV008"


class FdwInvalidDataType(OperationalError):
    sqlstate = "HV004"


class FdwInvalidDataTypeDescriptors(OperationalError):
    sqlstate = "HV006"


class FdwInvalidDescriptorFieldIdentifier(OperationalError):
    sqlstate = "HV091"


class FdwInvalidHandle(OperationalError):
    sqlstate = "HV00B"


class FdwInvalidOptionIndex(OperationalError):
    sqlstate = "HV00C"


class FdwInvalidOptionName(OperationalError):
    sqlstate = "HV00D"


class FdwInvalidStringLengthOrBufferLength(OperationalError):
    sqlstate = "HV090"


class FdwInvalidStringFormat(OperationalError):
    sqlstate = "HV00A"


class FdwInvalidUseOfNullPointer(OperationalError):
    sqlstate = "HV009"


class FdwTooManyHandles(OperationalError):
    sqlstate = "HV014"


class FdwOutOfMemory(OperationalError):
    sqlstate = "HV001"


class FdwNoSchemas(OperationalError):
    sqlstate = "HV00P"


class FdwOptionNameNotFound(OperationalError):
    sqlstate = "HV00J"


class FdwReplyHandle(OperationalError):
    sqlstate = "HV00K"


class FdwSchemaNotFound(OperationalError):
    sqlstate = "HV00Q"


class FdwTableNotFound(OperationalError):
    sqlstate = "HV00R"


class FdwUnableToCreateExecution(OperationalError):
    sqlstate = "HV00L"


class FdwUnableToCreateReply(OperationalError):
    sqlstate = "HV00M"


class FdwUnableToEstablishConnection(OperationalError):
    sqlstate = "HV00N"


class PlpgsqlError(InternalError):
    sqlstate = "P0000"


class RaiseException(InternalError):
    sqlstate = "P0001"


class NoDataFound(InternalError):
    sqlstate = "P0002"


class TooManyRows(InternalError):
    sqlstate = "P0003"


class AssertFailure(InternalError):
    sqlstate = "P0004"


class InternalError_(InternalError):
    sqlstate = "XX000"


class DataCorrupted(InternalError):
    sqlstate = "XX001"


class IndexCorrupted(InternalError):
    sqlstate = "XX002"


_BY_SQLSTATE: dict[str, type[Error]] = {
    "02000": NoData,
    "02001": NoAdditionalDynamicResultSetsReturned,
    "03000": SqlStatementNotYetComplete,
    "08000": ConnectionException,
    "08003": ConnectionDoesNotExist,
    "08006": ConnectionFailure,
    "08001": SqlclientUnableToEstablishSqlconnection,
    "08004": SqlserverRejectedEstablishmentOfSqlconnection,
    "08007": TransactionResolutionUnknown,
    "08P01": ProtocolViolation,
    "09000": TriggeredActionException,
    "0A000": FeatureNotSupported,
    "0B000": InvalidTransactionInitiation,
    "0F000": LocatorException,
    "0F001": InvalidLocatorSpecification,
    "0L000": InvalidGrantor,
    "0LP01": InvalidGrantOperation,
    "0P000": InvalidRoleSpecification,
    "0Z000": DiagnosticsException,
    "0Z002": StackedDiagnosticsAccessedWithoutActiveHandler,
    "20000": CaseNotFound,
    "21000": CardinalityViolation,
    "22000": DataException,
    "2202E": ArraySubscriptError,
    "22021": CharacterNotInRepertoire,
    "22008": DatetimeFieldOverflow,
    "22012": DivisionByZero,
    "22005": ErrorInAssignment,
    "2200B": EscapeCharacterConflict,
    "22022": IndicatorOverflow,
    "22015": IntervalFieldOverflow,
    "2201E": InvalidArgumentForLogarithm,
    "22014": InvalidArgumentForNtileFunction,
    "22016": InvalidArgumentForNthValueFunction,
    "2201F": InvalidArgumentForPowerFunction,
    "2201G": InvalidArgumentForWidthBucketFunction,
    "22018": InvalidCharacterValueForCast,
    "22007": InvalidDatetimeFormat,
    "22019": InvalidEscapeCharacter,
    "2200D": InvalidEscapeOctet,
    "22025": InvalidEscapeSequence,
    "22P06": NonstandardUseOfEscapeCharacter,
    "22010": InvalidIndicatorParameterValue,
    "22023": InvalidParameterValue,
    "22013": InvalidPrecedingOrFollowingSize,
    "2201B": InvalidRegularExpression,
    "2201W": InvalidRowCountInLimitClause,
    "2201X": InvalidRowCountInResultOffsetClause,
    "2202H": InvalidTablesampleArgument,
    "2202G": InvalidTablesampleRepeat,
    "22009": InvalidTimeZoneDisplacementValue,
    "2200C": InvalidUseOfEscapeCharacter,
    "2200G": MostSpecificTypeMismatch,
    "22004": NullValueNotAllowed,
    "22002": NullValueNoIndicatorParameter,
    "22003": NumericValueOutOfRange,
    "2200H": SequenceGeneratorLimitExceeded,
    "22026": StringDataLengthMismatch,
    "22001": StringDataRightTruncation,
    "22011": SubstringError,
    "22027": TrimError,
    "22024": UnterminatedCString,
    "2200F": ZeroLengthCharacterString,
    "22P01": FloatingPointException,
    "22P02": InvalidTextRepresentation,
    "22P03": InvalidBinaryRepresentation,
    "22P04": BadCopyFileFormat,
    "22P05": UntranslatableCharacter,
    "2200L": NotAnXmlDocument,
    "2200M": InvalidXmlDocument,
    "2200N": InvalidXmlContent,
    "2200S": InvalidXmlComment,
    "2200T": InvalidXmlProcessingInstruction,
    "22030": DuplicateJsonObjectKeyValue,
    "22031": InvalidArgumentForSqlJsonDatetimeFunction,
    "22032": InvalidJsonText,
    "22033": InvalidSqlJsonSubscript,
    "22034": MoreThanOneSqlJsonItem,
    "22035": NoSqlJsonItem,
    "22036": NonNumericSqlJsonItem,
    "22037": NonUniqueKeysInAJsonObject,
    "22038": SingletonSqlJsonItemRequired,
    "22039": SqlJsonArrayNotFound,
    "2203A": SqlJsonMemberNotFound,
    "2203B": SqlJsonNumberNotFound,
    "2203C": SqlJsonObjectNotFound,
    "2203D": TooManyJsonArrayElements,
    "2203E": TooManyJsonObjectMembers,
    "2203F": SqlJsonScalarRequired,
    "2203G": SqlJsonItemCannotBeCastToTargetType,
    "23000": IntegrityConstraintViolation,
    "23001": RestrictViolation,
    "23502": NotNullViolation,
    "23503": ForeignKeyViolation,
    "23505": UniqueViolation,
    "23514": CheckViolation,
    "23P01": ExclusionViolation,
    "24000": InvalidCursorState,
    "25000": InvalidTransactionState,
    "25001": ActiveSqlTransaction,
    "25002": BranchTransactionAlreadyActive,
    "25008": HeldCursorRequiresSameIsolationLevel,
    "25003": InappropriateAccessModeForBranchTransaction,
    "25004": InappropriateIsolationLevelForBranchTransaction,
    "25005": NoActiveSqlTransactionForBranchTransaction,
    "25006": ReadOnlySqlTransaction,
    "25007": SchemaAndDataStatementMixingNotSupported,
    "25P01": NoActiveSqlTransaction,
    "25P02": InFailedSqlTransaction,
    "25P03": IdleInTransactionSessionTimeout,
    "26000": InvalidSqlStatementName,
    "27000": TriggeredDataChangeViolation,
    "28000": InvalidAuthorizationSpecification,
    "28P01": InvalidPassword,
    "2B000": DependentPrivilegeDescriptorsStillExist,
    "2BP01": DependentObjectsStillExist,
    "2D000": InvalidTransactionTermination,
    "2F000": SqlRoutineException,
    "2F005": FunctionExecutedNoReturnStatement,
    "2F002": ModifyingSqlDataNotPermitted,
    "2F003": ProhibitedSqlStatementAttempted,
    "2F004": ReadingSqlDataNotPermitted,
    "34000": InvalidCursorName,
    "38000": ExternalRoutineException,
    "38001": ContainingSqlNotPermitted,
    "38002": ModifyingSqlDataNotPermittedExt,
    "38003": ProhibitedSqlStatementAttemptedExt,
    "38004": ReadingSqlDataNotPermittedExt,
    "39000": ExternalRoutineInvocationException,
    "39001": InvalidSqlstateReturned,
    "39004": NullValueNotAllowedExt,
    "39P01": TriggerProtocolViolated,
    "39P02": SrfProtocolViolated,
    "39P03": EventTriggerProtocolViolated,
    "3B000": SavepointException,
    "3B001": InvalidSavepointSpecification,
    "3D000": InvalidCatalogName,
    "3F000": InvalidSchemaName,
    "40000": TransactionRollback,
    "40002": TransactionIntegrityConstraintViolation,
    "40001": SerializationFailure,
    "40003": StatementCompletionUnknown,
    "40P01": DeadlockDetected,
    "42000": SyntaxErrorOrAccessRuleViolation,
    "42601": SyntaxError,
    "42501": InsufficientPrivilege,
    "42846": CannotCoerce,
    "42803": GroupingError,
    "42P20": WindowingError,
    "42P19": InvalidRecursion,
    "42830": InvalidForeignKey,
    "42602": InvalidName,
    "42622": NameTooLong,
    "42939": ReservedName,
    "42804": DatatypeMismatch,
    "42P18": IndeterminateDatatype,
    "42P21": CollationMismatch,
    "42P22": IndeterminateCollation,
    "42809": WrongObjectType,
    "428C9": GeneratedAlways,
    "42703": UndefinedColumn,
    "42883": UndefinedFunction,
    "42P01": UndefinedTable,
    "42P02": UndefinedParameter,
    "42704": UndefinedObject,
    "42701": DuplicateColumn,
    "42P03": DuplicateCursor,
    "42P04": DuplicateDatabase,
    "42723": DuplicateFunction,
    "42P05": DuplicatePreparedStatement,
    "42P06": DuplicateSchema,
    "42P07": DuplicateTable,
    "42712": DuplicateAlias,
    "42710": DuplicateObject,
    "42702": AmbiguousColumn,
    "42725": AmbiguousFunction,
    "42P08": AmbiguousParameter,
    "42P09": AmbiguousAlias,
    "42P10": InvalidColumnReference,
    "42611": InvalidColumnDefinition,
    "42P11": InvalidCursorDefinition,
    "42P12": InvalidDatabaseDefinition,
    "42P13": InvalidFunctionDefinition,
    "42P14": InvalidPreparedStatementDefinition,
    "42P15": InvalidSchemaDefinition,
    "42P16": InvalidTableDefinition,
    "42P17": InvalidObjectDefinition,
    "44000": WithCheckOptionViolation,
    "53000": InsufficientResources,
    "53100": DiskFull,
    "53200": OutOfMemory,
    "53300": TooManyConnections,
    "53400": ConfigurationLimitExceeded,
    "54000": ProgramLimitExceeded,
    "54001": StatementTooComplex,
    "54011": TooManyColumns,
    "54023": TooManyArguments,
    "55000": ObjectNotInPrerequisiteState,
    "55006": ObjectInUse,
    "55P02": CantChangeRuntimeParam,
    "55P03": LockNotAvailable,
    "55P04": UnsafeNewEnumValueUsage,
    "57000": OperatorIntervention,
    "57014": QueryCanceled,
    "57P01": AdminShutdown,
    "57P02": CrashShutdown,
    "57P03": CannotConnectNow,
    "57P04": DatabaseDropped,
    "57P05": IdleSessionTimeout,
    "58000": SystemError,
    "58030": IoError,
    "58P01": UndefinedFile,
    "58P02": DuplicateFile,
    "72000": SnapshotTooOld,
    "F0000": ConfigFileError,
    "F0001": LockFileExists,
    "HV000": FdwError,
    "HV005": FdwColumnNameNotFound,
    "HV002": FdwDynamicParameterValueNeeded,
    "HV010": FdwFunctionSequenceError,
    "HV021": FdwInconsistentDescriptorInformation,
    "HV024": FdwInvalidAttributeValue,
    "HV007": FdwInvalidColumnName,
    "HV008": FdwInvalidColumnNumber,
    "HV004": FdwInvalidDataType,
    "HV006": FdwInvalidDataTypeDescriptors,
    "HV091": FdwInvalidDescriptorFieldIdentifier,
    "HV00B": FdwInvalidHandle,
    "HV00C": FdwInvalidOptionIndex,
    "HV00D": FdwInvalidOptionName,
    "HV090": FdwInvalidStringLengthOrBufferLength,
    "HV00A": FdwInvalidStringFormat,
    "HV009": FdwInvalidUseOfNullPointer,
    "HV014": FdwTooManyHandles,
    "HV001": FdwOutOfMemory,
    "HV00P": FdwNoSchemas,
    "HV00J": FdwOptionNameNotFound,
    "HV00K": FdwReplyHandle,
    "HV00Q": FdwSchemaNotFound,
    "HV00R": FdwTableNotFound,
    "HV00L": FdwUnableToCreateExecution,
    "HV00M": FdwUnableToCreateReply,
    "HV00N": FdwUnableToEstablishConnection,
    "P0000": PlpgsqlError,
    "P0001": RaiseException,
    "P0002": NoDataFound,
    "P0003": TooManyRows,
    "P0004": AssertFailure,
    "XX000": InternalError_,
    "XX001": DataCorrupted,
    "XX002": IndexCorrupted,
}


def lookup(sqlstate: str) -> type[Error]:
    """The class of sqlstate; KeyError when PostgreSQL has no such code (as psycopg2.errors)."""
    return _BY_SQLSTATE[sqlstate]


def for_sqlstate(sqlstate: str) -> type[Error]:
    """The class of sqlstate; for a code PostgreSQL does not list, the class of its SQLSTATE
    class (22xxx: DataException), else DatabaseError."""
    return _BY_SQLSTATE.get(sqlstate) or _BY_SQLSTATE.get(sqlstate[:2] + "000") or DatabaseError
