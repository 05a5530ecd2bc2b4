import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsName, IsQueryBoolean, IsResourceName, IsResourceRef, IsStringMap } from '../../common/validators';

export class PlayersRangeDto {
  @ApiProperty({ minimum: 1, maximum: 1000, example: 2 })
  @IsInt()
  @Min(1)
  @Max(1000)
  min: number;

  @ApiProperty({ minimum: 1, maximum: 1000, example: 10 })
  @IsInt()
  @Min(1)
  @Max(1000)
  max: number;
}

export const READINESS_TYPES = ['tcp', 'log', 'none'] as const;

export class ReadinessDto {
  @ApiProperty({ enum: READINESS_TYPES, description: 'tcp: the instance port accepts a connection; log: an output line matches `pattern`; none: ready once started', example: 'tcp' })
  @IsIn(READINESS_TYPES)
  type: (typeof READINESS_TYPES)[number];

  @ApiPropertyOptional({ description: 'Regular expression matched against each output line; required for type log', example: 'listening on \\d+' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  pattern?: string;
}

export class CreateServerDto {
  @ApiProperty({ description: 'Unique server name', example: 'arena' })
  @IsResourceName()
  name: string;

  @ApiProperty({ type: [String], description: 'Game modes this server plays', example: ['ranked-battle-royale'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(64)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 128, { each: true, message: 'each mode must be a string of 1 to 128 characters' })
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { each: true, message: 'modes must not contain control characters' })
  modes: string[];

  @ApiProperty({ description: 'Executable to run, started without a shell', example: '/usr/local/bin/arena-server' })
  @IsName(1, 1024)
  command: string;

  @ApiPropertyOptional({ type: [String], description: 'Arguments; `{port}` and `{instance}` are replaced by the instance port and id', example: ['--port', '{port}'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @Length(0, 4096, { each: true })
  @Matches(/^[^\u0000]*$/, { each: true, message: 'args must not contain NUL characters' })
  args?: string[];

  @ApiPropertyOptional({ description: 'Extra environment variables', type: 'object', additionalProperties: { type: 'string' }, example: { LOG_LEVEL: 'info' } })
  @IsOptional()
  @IsStringMap(256, 4096)
  env?: Record<string, string>;

  @ApiProperty({ type: PlayersRangeDto, description: 'Players per match' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PlayersRangeDto)
  players: PlayersRangeDto;

  @ApiPropertyOptional({ description: 'Seconds the oldest ticket waits before a match forms with fewer than players.max', default: 30, minimum: 0, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  match_wait_seconds?: number;

  @ApiPropertyOptional({ description: 'Maximum live instances of this server; unlimited when absent', minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  max_instances?: number;

  @ApiPropertyOptional({ type: ReadinessDto, description: 'How to tell a started instance is ready', default: { type: 'tcp' } })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReadinessDto)
  readiness?: ReadinessDto;

  @ApiPropertyOptional({ description: 'Seconds an instance may take to become ready', default: 30, minimum: 1, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3600)
  start_timeout_seconds?: number;

  @ApiPropertyOptional({ description: 'Seconds a matchmaking ticket for one of its modes waits before it fails with reason timeout', default: 120, minimum: 1, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  ticket_timeout_seconds?: number;
}

export class ServerFilterDto {
  @ApiPropertyOptional({ description: 'Server id or name' })
  @IsOptional()
  @IsResourceRef()
  id?: string;
}

export class DeleteServerDto {
  @ApiProperty({ description: 'Server id or name', example: 'arena' })
  @IsResourceRef()
  id: string;

  @ApiPropertyOptional({ description: 'Stop its live instances first instead of returning 409', default: false })
  @IsOptional()
  @IsQueryBoolean()
  force?: boolean;
}

export class ServerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'arena' }) name: string;
  @ApiProperty({ type: [String], example: ['ranked-battle-royale'] }) modes: string[];
  @ApiProperty({ example: '/usr/local/bin/arena-server' }) command: string;
  @ApiProperty({ type: [String], example: ['--port', '{port}'] }) args: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: {} }) env: Record<string, string>;
  @ApiProperty({ type: PlayersRangeDto }) players: PlayersRangeDto;
  @ApiProperty({ example: 30 }) match_wait_seconds: number;
  @ApiProperty({ type: Number, nullable: true, example: null }) max_instances: number | null;
  @ApiProperty({ type: ReadinessDto }) readiness: ReadinessDto;
  @ApiProperty({ example: 30 }) start_timeout_seconds: number;
  @ApiProperty({ example: 120 }) ticket_timeout_seconds: number;
  @ApiProperty({ description: 'Instances in a live state', example: 0 }) running_instances: number;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
}

export class ServerListDto {
  @ApiProperty({ type: [ServerDto] }) servers: ServerDto[];
}
